"""The report as one self-contained HTML file: the blocks of the Markdown report, figures embedded.

Tables are built from the blocks' data (not by parsing Markdown); the only Markdown read here is the
inline marks that paragraphs and cells may carry (``**bold**``, ``*italic*``, ```code```). Figures
are embedded as base64 data URLs, so the file can be mailed or archived alone. No dependency beyond
the standard library.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence

from simulator.report import Block, FigureRef, Heading, Paragraph, Table, format_cell

__all__ = ["inline_html", "report_html"]

_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 1100px; margin: 2em auto; padding: 0 1.2em; }
h1 { font-size: 1.7em; margin-bottom: .2em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
tr:nth-child(even) td { background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f2f2f2; padding: 0 .25em; border-radius: 3px; font-size: .92em; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .9em; color: #555; font-style: italic; }
"""

_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?%?$")
_MEDIA = {".png": "image/png", ".svg": "image/svg+xml", ".pdf": "application/pdf"}


def inline_html(text: str) -> str:
    """Escape ``text`` and turn its inline Markdown marks into HTML.

    >>> inline_html("**No ZOPA** for `a<b` and *c*")
    '<strong>No ZOPA</strong> for <code>a&lt;b</code> and <em>c</em>'
    """
    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for part in parts:
        if len(part) >= 2 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        escaped = html.escape(part, quote=False)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
        escaped = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", escaped)
        out.append(escaped)
    return "".join(out)


def _table(table: Table) -> str:
    head = "".join(f"<th>{inline_html(h)}</th>" for h in table.header)
    rows = []
    for row in table.rows:
        cells = []
        for x in row:
            text = format_cell(x)
            numeric = isinstance(x, int | float) or bool(_NUMBER.match(text))
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{inline_html(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )


def _figure(fig: FigureRef, number: int, images: Mapping[str, bytes]) -> str:
    caption = f"Figure {number}. {inline_html(fig.caption)}"
    data = images.get(fig.path)
    media = _MEDIA.get(fig.path[fig.path.rfind(".") :].lower(), "image/png")
    if data is None or media == "application/pdf":  # not embeddable: name the file
        return f"<figure><figcaption>{caption} ({html.escape(fig.path)})</figcaption></figure>"
    url = f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
    alt = html.escape(fig.caption)
    return f'<figure><img src="{url}" alt="{alt}"><figcaption>{caption}</figcaption></figure>'


def report_html(blocks: Sequence[Block], images: Mapping[str, bytes], *, title: str = "") -> str:
    """Render report blocks as one HTML page.

    Parameters
    ----------
    blocks
        From :func:`~simulator.report.report_blocks` (or :func:`~simulator.report.solve_blocks`).
    images
        The bytes of each figure, keyed by the figure's ``path``; PNG and SVG are embedded.
    title
        The page title (default: the first heading).

    Returns
    -------
    str
        A complete HTML document with no external resource.

    Examples
    --------
    >>> page = report_html([Heading(1, "Deal?"), Table(("a",), ((0.5,),))], {})
    >>> "<h1>Deal?</h1>" in page and '<td class="num">0.500</td>' in page
    True
    """
    if not title:
        title = next((b.text for b in blocks if isinstance(b, Heading)), "Report")
    body = []
    number = 0
    for b in blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{inline_html(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            body.append(f"<p>{inline_html(b.text)}</p>")
        elif isinstance(b, Table):
            body.append(_table(b))
        else:
            number += 1
            body.append(_figure(b, number, images))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
