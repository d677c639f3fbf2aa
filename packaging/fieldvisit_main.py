"""Entry point of the frozen app: the same `main()` as the `fieldvisit` command."""

import sys

from fieldvisit.cli import main

if __name__ == "__main__":
    sys.exit(main())
