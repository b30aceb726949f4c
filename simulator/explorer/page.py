"""The explorer's HTML page, from the Jinja2 template shipped with the package.

The page is a frame: its panels are filled by ``static/explorer.js`` from the JSON API, so the
page and other tools see the same answers. The scenario's description (as the report writes it)
and the data of ``GET /api/scenario`` are rendered in, so the first paint needs no request.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from simulator.model import Scenario

if TYPE_CHECKING:
    import jinja2

__all__ = ["page_html"]


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("simulator.explorer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` can close it early)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(scenario: Scenario, info: dict[str, Any]) -> str:
    """The page for ``scenario``; ``info`` is the JSON of ``GET /api/scenario``."""
    from simulator.plots.style import RED_LINE, ZOPA_SHADE

    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            title=scenario.title or scenario.name,
            description=scenario.description or "",
            scenario_json=_script_json(info),
            red_line=RED_LINE,
            zopa_shade=ZOPA_SHADE,
        )
    )
