"""``python -m simulator`` runs the ``bargain`` command."""

import signal
import sys

try:
    from simulator.cli import main

    status = main()
except KeyboardInterrupt:  # Ctrl-C while the package was still being imported
    print("interrupted; nothing more was written", file=sys.stderr)
    status = 130
signal.signal(signal.SIGINT, signal.SIG_IGN)  # the work is done: a late Ctrl-C changes nothing
sys.exit(status)
