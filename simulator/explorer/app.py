"""The explorer's web application (FastAPI): the page, its static files, and the JSON API.

Every route is a thin translation of HTTP to :class:`~simulator.explorer.session.Explorer`: a
request carries data only (edit strings, a party, numbers), never a path or code. A
:class:`~simulator.errors.ScenarioError` (a malformed edit, an unknown figure) becomes HTTP 422
with ``{"detail": message}``, the message ``bargain`` prints after ``error:``; any other failure
is a plain HTTP 500 without a traceback. The OpenAPI schema is at ``/api/openapi.json`` and its
reader at ``/api/docs``.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.errors import ScenarioError
from simulator.explorer.jobs import MAX_TIME_LIMIT, Jobs
from simulator.explorer.render import warm
from simulator.explorer.scenario_json import scenario_json
from simulator.explorer.session import FIGURE_FORMATS, MAX_EDITS, PAGE_FIGURES, Explorer

__all__ = ["MAX_BODY", "create_app"]

#: Largest request body accepted, in bytes.
MAX_BODY = 64 * 1024

log = logging.getLogger("simulator.explorer")

EDITS_DOC = (
    f"Edits in the tool's syntax (as `--edit`), at most {MAX_EDITS}, e.g. \"ukraine concedes "
    'nato=legal_renunciation"; applied in order to the scenario the server was started with.'
)


class EditsBody(BaseModel):
    edits: list[str] = Field(default_factory=list, description=EDITS_DOC)


class ViewBody(EditsBody):
    pair: str | None = Field(
        None,
        description=(
            "two parties, e.g. russia,ukraine: the server starts drawing the page's figures (the "
            "utility space of this pair, and the issue space) at once, so that they are ready "
            "when asked for"
        ),
    )


def _pair(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    names = [p.strip() for p in text.split(",")]
    if len(names) != 2:
        raise ScenarioError(f"pair names two parties separated by a comma, got {text!r}")
    return (names[0], names[1])


class ScanBody(EditsBody):
    party: str | None = Field(None, description="only this party's concessions (id or label)")
    max_set_size: int = Field(2, ge=1, le=3, description="largest minimal concession set searched")
    max_solves: int = Field(2000, ge=1, le=20000, description="bound on the minimal-set search")
    time_limit: float = Field(
        60.0, gt=0, le=MAX_TIME_LIMIT, description="seconds before the scan is stopped"
    )


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with HTTP 413, counting what actually arrives
    (a missing or false Content-Length does not get past it)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge(self.limit)
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse({"detail": _TooLarge(self.limit).detail}, status_code=413)
        await response({"type": "http"}, _no_receive, send)


class _TooLarge(HTTPException):
    """Raised while the body arrives; FastAPI turns it into the 413 response itself."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


async def _no_receive() -> Message:  # pragma: no cover - never called by JSONResponse
    return {"type": "http.disconnect"}


def _static_files() -> StaticFiles:
    folder = resources.files("simulator.explorer") / "static"
    return StaticFiles(directory=str(folder))


def create_app(explorer: Explorer) -> FastAPI:
    """The ASGI application serving ``explorer``'s scenario (and nothing else)."""
    from simulator.plots.style import party_colours

    app = FastAPI(
        title="bargain explorer",
        summary=f"Explore the scenario {explorer.scenario.name!r}: edit, solve, draw.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.add_middleware(BodyLimit)
    warm()  # the figure workers start while the page loads
    jobs = Jobs()
    colours = party_colours(explorer.scenario)
    info = scenario_json(explorer.scenario, explorer.source, colours)

    @app.exception_handler(ScenarioError)
    async def scenario_error(request: Request, exc: ScenarioError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s", request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error (see the server's log)"}, status_code=500)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        from simulator.explorer.page import page_html

        return HTMLResponse(page_html(explorer.scenario, info))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    app.mount("/static", _static_files(), name="static")

    @app.get("/api/scenario", summary="The scenario: issues, parties, red lines, proposals")
    def get_scenario() -> dict[str, Any]:
        return info

    @app.post("/api/solve", summary="`bargain solve --json` of the edited scenario (no timings)")
    def post_solve(body: EditsBody) -> dict[str, Any]:
        return explorer.view(body.edits).solve_json()

    @app.post(
        "/api/view",
        summary=(
            "What the page shows: canonical edits, the verdict, the 'how sure is this' box and "
            "the report as HTML fragments, and the margins as data (as in solve --margins --json)"
        ),
    )
    def post_view(body: ViewBody) -> dict[str, Any]:
        view = explorer.view(body.edits)
        pair = _pair(body.pair)
        if pair is not None or body.pair is None:
            view.prepare(pair)
        return {
            "edits": view.texts,
            **view.words(),
            **view.margins().to_dict(),
            "figures": list(PAGE_FIGURES),
        }

    @app.post("/api/evaluate", summary="`bargain evaluate --json` of the edited scenario")
    def post_evaluate(body: EditsBody) -> dict[str, Any]:
        return explorer.view(body.edits).evaluate_json()

    @app.get(
        "/api/figure/{kind}.{fmt}",
        summary=(
            "A figure of the edited scenario as PNG or SVG: a kind of `bargain plot`, or `gaps` "
            "(the pairwise gap matrix of `bargain gaps --plot`)"
        ),
        response_class=Response,
        responses={200: {"content": {m: {} for m in FIGURE_FORMATS.values()}}},
    )
    def get_figure(
        kind: str,
        fmt: str,
        edit: Annotated[list[str], Query(description=EDITS_DOC)] = [],  # noqa: B006 (FastAPI copies it)
        pair: Annotated[
            str | None,
            Query(description="utility_space only: two parties, e.g. russia,ukraine (one panel)"),
        ] = None,
        proposals: Annotated[
            bool, Query(description="utility_space only: draw the proposals")
        ] = True,
    ) -> Response:
        data = explorer.view(edit).figure(kind, fmt, pair=_pair(pair), proposals=proposals)
        return Response(data, media_type=FIGURE_FORMATS.get(fmt, "application/octet-stream"))

    @app.post(
        "/api/options",
        summary="The issue-space map as data: the zone's packages per option, and red lines",
    )
    def post_options(body: EditsBody) -> dict[str, Any]:
        return explorer.view(body.edits).options_json()

    @app.post(
        "/api/gaps",
        summary=(
            "`bargain gaps --json` of the edited scenario: every pair's own zone and the issues "
            "that separate it; `html` has the same in the report's words"
        ),
    )
    def post_gaps(body: EditsBody) -> dict[str, Any]:
        return explorer.view(body.edits).gaps_json()

    @app.post("/api/edits.yaml", summary="The edits as an edits file (for --edits-file)")
    def post_edits_file(body: EditsBody) -> Response:
        import yaml

        texts = explorer.view(body.edits).texts
        text = yaml.safe_dump(texts, allow_unicode=True, default_flow_style=False, width=200)
        return _download(text, "edits.yaml")

    @app.post("/api/scenario.yaml", summary="The edited scenario as a YAML file")
    def post_scenario_yaml(body: EditsBody) -> Response:
        return _download(explorer.view(body.edits).scenario_yaml(), "scenario_edited.yaml")

    @app.post(
        "/api/scan",
        status_code=202,
        summary="Start the single-concession scan and minimal sets (`bargain stress --scan`)",
    )
    def post_scan(body: ScanBody) -> dict[str, Any]:
        from simulator.analysis.scan import scan_concessions

        view = explorer.view(body.edits)
        if body.party is not None:
            from simulator.analysis.edits import resolve_party

            resolve_party(view.scenario, body.party)

        def work(progress: Any) -> dict[str, Any]:
            scan = scan_concessions(
                view.scenario,
                body.party,
                max_set_size=body.max_set_size,
                max_solves=body.max_solves,
                workers=1,
                progress=progress,
            )
            return {**scan.to_dict(), "edits": view.texts}

        return jobs.start(work, body.time_limit).to_dict()

    @app.get("/api/scan/{job_id}", summary="A scan's progress, and its result once done")
    def get_scan(job_id: str) -> Response:
        try:
            return JSONResponse(jobs.get(job_id).to_dict())
        except KeyError:
            return JSONResponse({"detail": f"no scan {job_id!r}"}, status_code=404)

    @app.delete("/api/scan/{job_id}", summary="Cancel a scan")
    def delete_scan(job_id: str) -> Response:
        try:
            return JSONResponse(jobs.cancel(job_id).to_dict())
        except KeyError:
            return JSONResponse({"detail": f"no scan {job_id!r}"}, status_code=404)

    return app


def _download(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="application/x-yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
