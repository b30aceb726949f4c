"""One renderer per result type: the result class -> the function that words it as blocks.

Every result a command or a public function returns has an entry, so any result can be rendered
from Python (:func:`render`, :func:`to_markdown`, :func:`to_html`, :func:`to_text`) and the
command line prints any result the same way (``simulator.cli._common.emit``). A renderer takes the
result and keyword options of its own (``top``, ``max_frontier``, ...) and returns blocks.

The registry is keyed by the result class's name, so that registering a renderer imports no
analysis: ``import simulator`` stays light (the analyses load SciPy and nashpy), and a renderer
module imports its result class for type checking only.

To add one: write ``def thing_blocks(result: ThingResult, ...) -> list[Block]`` in a module of
this package, decorate it with ``@register("ThingResult")``, and import the module in
``simulator/report/__init__.py``; ``tests/test_report.py`` checks that every result class has one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from simulator.report.blocks import Block

__all__ = [
    "RENDERERS",
    "Renderer",
    "blocks_of",
    "register",
    "render",
    "renderer_of",
    "to_html",
    "to_markdown",
    "to_text",
]

Format = Literal["markdown", "html", "text"]
BlocksFunction = Callable[..., list[Block]]


@dataclass(frozen=True)
class Renderer:
    """How a result type is worded: its ``blocks`` function, and whether the command line has
    always printed its Markdown followed by a blank line (the solve report and the proposals)."""

    blocks: BlocksFunction
    blank_line_after: bool = False


#: The registry: result class name -> :class:`Renderer`.
RENDERERS: dict[str, Renderer] = {}


def register(
    result_type: str, *, blank_line_after: bool = False
) -> Callable[[BlocksFunction], BlocksFunction]:
    """Decorator: register ``function`` as the renderer of the result class named
    ``result_type``.

    Raises
    ------
    ValueError
        When that name already has a renderer.
    """

    def add(function: BlocksFunction) -> BlocksFunction:
        if result_type in RENDERERS:
            raise ValueError(f"{result_type} already has a renderer")
        RENDERERS[result_type] = Renderer(function, blank_line_after)
        return function

    return add


def renderer_of(result: object) -> Renderer:
    """The renderer registered for ``result``'s class (or the nearest base class).

    Raises
    ------
    TypeError
        When no renderer is registered for it.
    """
    for cls in type(result).__mro__:
        if cls.__name__ in RENDERERS:
            return RENDERERS[cls.__name__]
    raise TypeError(f"no renderer is registered for {type(result).__name__}")


def blocks_of(result: object, **options: Any) -> list[Block]:
    """The blocks of any registered result (``options`` go to its renderer)."""
    return renderer_of(result).blocks(result, **options)


def render(
    result: object,
    fmt: Format = "markdown",
    *,
    images: Mapping[str, bytes] | None = None,
    **options: Any,
) -> str:
    """Any registered result as Markdown, one HTML page (figures from ``images``) or terminal
    text.

    Examples
    --------
    >>> import simulator
    >>> result = simulator.solve(simulator.load_scenario("scenarios/textbook_car.yaml"))
    >>> render(result).splitlines()[0], render(result, "text").splitlines()[0]
    ('# Buying a car (textbook example)', 'Buying a car (textbook example)')
    """
    from simulator.report.html import report_html
    from simulator.report.markdown import blocks_markdown
    from simulator.report.text import blocks_text

    blocks = blocks_of(result, **options)
    if fmt == "markdown":
        return blocks_markdown(blocks)
    if fmt == "html":
        return report_html(blocks, images or {})
    if fmt == "text":
        return blocks_text(blocks)
    raise ValueError(f"unknown format {fmt!r}: use 'markdown', 'html' or 'text'")


def to_markdown(result: object, **options: Any) -> str:
    """``render(result, "markdown", **options)``."""
    return render(result, "markdown", **options)


def to_html(result: object, **options: Any) -> str:
    """``render(result, "html", **options)``."""
    return render(result, "html", **options)


def to_text(result: object, **options: Any) -> str:
    """``render(result, "text", **options)``."""
    return render(result, "text", **options)
