"""``python -m simulator`` runs the ``bargain`` command."""

import signal
import sys


def _run() -> int:
    try:
        from simulator.cli import main

        return main()
    except KeyboardInterrupt:  # Ctrl-C while the package was still being imported
        print("interrupted; nothing more was written", file=sys.stderr)
        return 130


if __name__ == "__main__":  # importing the module (the docs' API walk) must not run the command
    status = _run()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the work is done: a late Ctrl-C changes nothing
    sys.exit(status)
