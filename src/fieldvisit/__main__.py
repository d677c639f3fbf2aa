import sys

from fieldvisit.cli import main

sys.exit(main())
