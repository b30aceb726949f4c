"""``python -m simulator`` runs the ``bargain`` command."""

import sys

try:
    from simulator.cli import main

    status = main()
except KeyboardInterrupt:  # Ctrl-C while the package was still being imported
    print("interrupted; nothing more was written", file=sys.stderr)
    status = 130
sys.exit(status)
