"""``python -m simulator`` runs the ``bargain`` command."""

import sys

from simulator.cli import main

if __name__ == "__main__":  # importing the module (the docs' API walk) must not run the command
    sys.exit(main())
