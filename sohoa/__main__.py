"""``python -m sohoa`` runs the same CLI as the ``sohoa`` console script."""

import sys

from sohoa.cli import main

sys.exit(main())
