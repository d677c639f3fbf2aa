"""fieldvisit: offline-first field visits for everyday security in small French towns."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fieldvisit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
