"""Serve the explorer with uvicorn: the address, the browser, and a clean stop on Ctrl-C."""

from __future__ import annotations

import ipaddress
import sys
import threading
import webbrowser

from simulator.errors import ScenarioError
from simulator.explorer.session import Explorer

__all__ = ["is_local", "serve", "url_of"]


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


def serve(explorer: Explorer, host: str, port: int, *, open_browser: bool) -> None:
    """Serve until Ctrl-C.

    Raises
    ------
    ScenarioError
        If the port is out of range or the web stack is not installed.
    """
    if not 0 <= port <= 65535:
        raise ScenarioError(f"--port must be between 0 and 65535, got {port}")
    try:
        import uvicorn

        from simulator.explorer.app import create_app
    except ImportError as e:
        raise ScenarioError(
            f"the explorer needs the 'explorer' extra ({e.name} is missing): "
            "pip install 'bargaining-simulator[explorer]'"
        ) from None
    if not is_local(host):
        print(
            f"warning: --host {host} makes the explorer reachable from other machines; it has no "
            "login. Use the default 127.0.0.1 unless you mean it.",
            file=sys.stderr,
        )
    url = url_of(host, port)
    config = uvicorn.Config(create_app(explorer), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
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
    print("stopped", file=sys.stderr)
