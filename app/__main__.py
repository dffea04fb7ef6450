"""``python -m app`` runs the same CLI as the ``sohoa`` console script."""

import sys

from app.cli import main

sys.exit(main())
