"""`python -m tools.frustration replay|fit|fit-text|evaluate ...`."""

import sys

from tools.frustration.cli import main

sys.exit(main())
