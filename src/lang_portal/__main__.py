"""`python -m lang_portal`: the same as the `lang-portal` command."""

import sys

from lang_portal.cli import main

sys.exit(main())
