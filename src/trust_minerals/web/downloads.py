"""CSV and XLSX downloads of every table on a dashboard page.

Every table the dashboard shows comes from the ``table`` macro, which writes the column ids in
``th[data-name]`` and each raw value (before formatting: fractions, ISO3 codes, ids) in
``td[data-value]``. Adding ``download=<table id>.csv`` (or ``.xlsx``) to a page's URL returns that
table of that page, with the same parameters, as a file: :class:`TableDownload` renders the page as
usual (so the download is exactly the rows the page shows, including its parameters) and converts
the table. Nothing is recomputed here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable, MutableMapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode

from trust_minerals._extras import require

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PARAM = "download"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_TARGET = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,63})\.(csv|xlsx)$")


class _TableParser(HTMLParser):
    """Column ids and raw cell values of ``<table id=...>`` as rendered by the ``table`` macro."""

    def __init__(self, table_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.table_id = table_id
        self.found = False
        self._inside = False
        self._depth = 0
        self.columns: list[str] = []
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            if self._inside:
                self._depth += 1
            elif a.get("id") == self.table_id:
                self._inside, self.found = True, True
            return
        if not self._inside:
            return
        if tag == "th" and a.get("data-name") is not None:
            self.columns.append(str(a["data-name"]))
        elif tag == "tr":
            self._row = []
        elif tag == "td" and self._row is not None and "data-value" in a:
            self._row.append(a["data-value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if not self._inside:
            return
        if tag == "table":
            if self._depth:
                self._depth -= 1
            else:
                self._inside = False
        elif tag == "tr" and self._row is not None:
            if self._row and len(self._row) == len(self.columns):
                self.rows.append(self._row)
            self._row = None


def table_from_html(html: str, table_id: str) -> tuple[list[str], list[list[str]]] | None:
    """``(columns, rows)`` of the table ``table_id`` in ``html``, or ``None`` if it is not there."""
    parser = _TableParser(table_id)
    parser.feed(html)
    return (parser.columns, parser.rows) if parser.found else None


def _typed(value: str) -> Any:
    """A cell for a spreadsheet: numbers as numbers, the rest as text, empty as empty."""
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    if value.strip().lower() in ("nan", "inf", "-inf", "infinity"):
        return value
    return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", value.strip()) else number


def to_csv(columns: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def to_xlsx(columns: list[str], rows: list[list[str]], title: str) -> bytes:
    """One worksheet named after the table (openpyxl): a header row, then typed cells."""
    openpyxl = require("openpyxl", "XLSX downloads of dashboard tables")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(columns)
    for row in rows:
        ws.append([_typed(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class TableDownload:
    """ASGI middleware: ``?download=<table id>.<csv|xlsx>`` on a page returns that table as a file."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        wanted = [v for k, v in query if k == PARAM]
        if not wanted or path.startswith(("/api/", "/static/")):
            await self.app(scope, receive, send)
            return
        match = _TARGET.match(wanted[-1])
        if match is None:
            await _plain(send, 422, f"{PARAM} must be <table id>.csv or <table id>.xlsx")
            return
        table_id, fmt = match.group(1), match.group(2)
        inner = dict(scope)
        inner["query_string"] = urlencode([(k, v) for k, v in query if k != PARAM]).encode()
        status, headers, body = await _capture(self.app, inner, receive)
        content_type = dict(headers).get(b"content-type", b"").decode()
        if status != 200 or not content_type.startswith("text/html"):
            await _replay(send, status, headers, body)
            return
        table = table_from_html(body.decode("utf-8"), table_id)
        if table is None:
            await _plain(send, 404, f"this page has no table {table_id!r}")
            return
        columns, rows = table
        data = to_csv(columns, rows) if fmt == "csv" else to_xlsx(columns, rows, table_id)
        page = path.strip("/").replace("/", "-") or "overview"
        name = f"trust-{page}-{table_id}.{fmt}"
        await _replay(
            send,
            200,
            [
                (b"content-type", FORMATS[fmt].encode()),
                (b"content-disposition", f'attachment; filename="{name}"'.encode()),
                (b"content-length", str(len(data)).encode()),
            ],
            data,
        )


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[int, list[Any], bytes]:
    status = 500
    headers: list[Any] = []
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = int(message["status"])
            headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(bytes(message.get("body", b"")))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)


async def _replay(send: Send, status: int, headers: list[Any], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await _replay(
        send,
        status,
        [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ],
        body,
    )
