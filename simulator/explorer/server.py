"""Serve the explorer with uvicorn: the address, the browser, and a clean stop on Ctrl-C."""

from __future__ import annotations

import ipaddress
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Any

from simulator.errors import ScenarioError
from simulator.explorer.session import Explorer

__all__ = ["Background", "is_local", "serve", "start_in_background", "url_of"]


def is_local(host: str) -> bool:
    """Whether ``host`` is a loopback address (only this machine can reach it).

    >>> is_local("127.0.0.1"), is_local("localhost"), is_local("::1"), is_local("0.0.0.0")
    (True, True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_of(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _server(explorer: Explorer, host: str, port: int) -> Any:
    """A uvicorn server of the explorer's app (not started)."""
    try:
        import uvicorn

        from simulator.explorer.app import create_app
    except ImportError as e:
        raise ScenarioError(
            f"the explorer needs the 'explorer' extra ({e.name} is missing): "
            "pip install 'bargaining-simulator[explorer]'"
        ) from None
    config = uvicorn.Config(create_app(explorer), host=host, port=port, log_level="warning")
    return uvicorn.Server(config)


def serve(explorer: Explorer, host: str, port: int, *, open_browser: bool) -> None:
    """Serve until Ctrl-C.

    Raises
    ------
    ScenarioError
        If the port is out of range or the web stack is not installed.
    """
    if not 0 <= port <= 65535:
        raise ScenarioError(f"--port must be between 0 and 65535, got {port}")
    if not is_local(host):
        print(
            f"warning: --host {host} makes the explorer reachable from other machines; it has no "
            "login. Use the default 127.0.0.1 unless you mean it.",
            file=sys.stderr,
        )
    url = url_of(host, port)
    server = _server(explorer, host, port)
    print(f"The explorer of {explorer.scenario.name!r} is at {url} (Ctrl-C stops it)", flush=True)
    browser = threading.Timer(0.8, lambda: webbrowser.open(url))
    if open_browser:
        browser.start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        browser.cancel()
        from simulator.explorer.render import shutdown

        shutdown()
    print("stopped", file=sys.stderr)


class Background:
    """A server running in a thread of this process (a notebook's kernel): ``url``, ``stop()``."""

    def __init__(self, server: Any, thread: threading.Thread, url: str) -> None:
        self._server, self._thread, self.url = server, thread, url

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(10)

    def __repr__(self) -> str:
        return f"<explorer at {self.url}>"


def start_in_background(
    source: str | Path, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 30.0
) -> Background:
    """Serve ``source`` from a thread and return at once (``port=0``: any free port).

    For notebooks: the cell does not block, the page is at ``.url``, and ``.stop()`` (or the end
    of the kernel) stops it.

    Raises
    ------
    ScenarioError
        If the scenario cannot be read, the web stack is missing or the server does not start.
    """
    import time

    server = _server(Explorer.load(str(source)), host, port)
    thread = threading.Thread(target=server.run, name="bargain-explorer", daemon=True)
    thread.start()
    end = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > end:
            raise ScenarioError(f"the explorer did not start on {host}:{port}")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return Background(server, thread, url_of(host, bound))
