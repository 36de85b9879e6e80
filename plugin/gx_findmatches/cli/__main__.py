"""``python -m gx_findmatches.cli``: the command line without the installed script."""

import sys

from . import main

sys.exit(main())
