"""``python -m simulator`` runs the ``bargain`` command."""

import sys

from simulator.cli import main

sys.exit(main())
