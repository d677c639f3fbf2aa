"""fieldvisit: offline-first field visits for everyday security in small French towns."""

#: The one source of the version: hatchling reads it from here for the package metadata
#: (pyproject.toml, [tool.hatch.version]), the PyInstaller spec for the bundle. A plain
#: constant: reading the installed metadata cost 35-50 ms at every start.
__version__ = "0.1.0"
