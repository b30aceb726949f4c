"""The interactive explorer: a local web page to edit a scenario and watch the zone move.

``bargain explore SOURCE`` serves one scenario on http://127.0.0.1:8000/. The page
(``templates/index.html.j2`` with ``static/explorer.js``, plain JavaScript with no build step and
no CDN) and other tools call the same JSON API under ``/api`` (schema at ``/api/openapi.json``).

Modules: :mod:`.session` (the scenario and its edited views, cached; no web code),
:mod:`.scenario_json` (``GET /api/scenario``), :mod:`.jobs` (cancellable scans with a time limit),
:mod:`.app` (the FastAPI routes), :mod:`.page` (the HTML page), :mod:`.server` (uvicorn, the
browser, Ctrl-C). Needs the ``explorer`` extra: ``pip install 'bargaining-simulator[explorer]'``.
"""

from simulator.explorer.session import MAX_EDITS, Explorer, View

__all__ = ["MAX_EDITS", "Explorer", "View", "create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":  # FastAPI is imported only when the web app is wanted
        from simulator.explorer.app import create_app

        return create_app
    raise AttributeError(name)
