"""`python -m bot` is the same as `etoile-bot`."""

import sys

from bot.cli import main

sys.exit(main())
