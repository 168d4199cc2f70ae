"""One simulated student: a browser tab reduced to Streamlit's websocket protocol, without a browser.

It does what the frontend does to the server (streamlit/frontend: WebsocketConnection, ForwardMessageCache,
App.sendRerunBackMsg): fetch the page and ping /_stcore/health and host-config over HTTP (a proxy's affinity
cookie is set there), open /_stcore/stream with the subprotocols ["streamlit", xsrf token, last session id],
ask for a run with a `rerun_script` BackMsg (the link's query string and page), and answer every later widget
change with a rerun carrying the widget states and the hashes of the large messages it keeps, so the server
sends a reference instead of an unchanged chart (the tab then draws the message it kept, as the frontend's
ForwardMessageCache does). It reads ForwardMsgs until `script_finished`, keeps the address bar's query string
from `page_info_changed`, notes which fragment each widget is drawn in (a change to it reruns only that fragment,
as the frontend sends it) and every error element the page shows. Once a chart arrives it loads plotly.js from
the address in the chart's payload, as the chart component does.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

# A run that ends the tab's wait: the whole page's, or parts of it rerunning alone (a control whose callback reruns
# only the page's body, ui.parts; a live view's timed fragment).
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with "\n"
    body: bytes


async def request(
    host: str, port: int, path: str, cookies: dict[str, str], method: str = "GET", body: bytes = b"", **headers: str
) -> Response:
    """One HTTP/1.1 request on its own connection, as a browser with a cold cache sends it (gzip accepted).

    Cookies the response sets are added to ``cookies``."""
    reader, writer = await asyncio.open_connection(host, port)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Accept-Encoding: gzip", "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    if body or method != "GET":
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        found[name] = f"{found[name]}\n{value}" if name in found else value
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";")[0]
    if found.get("transfer-encoding") == "chunked":
        payload = _unchunk(payload)
    return Response(int(status_line.split()[1]), found, payload)


def _unchunk(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while True:
        end = data.index(b"\r\n", i)
        size = int(data[i:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        i = end + 4 + size


@dataclass
class Run:
    """One script run as the client saw it: seconds from request to `script_finished`, bytes and messages."""

    seconds: float
    bytes: int
    messages: int
    references: int  # large messages the server replaced by a hash the client already held


@dataclass
class Session:
    """One browser tab on a share link (``path`` like "/descent?f=rosenbrock"), over ``host:port``."""

    host: str
    port: int
    path: str
    cookies: dict[str, str] = field(default_factory=dict)
    page_name: str = ""
    session_id: str = ""
    replica: str = ""  # the proxy's X-Replica header on the websocket handshake, when there is a proxy
    query_string: str = ""
    page_hash: str = ""
    widgets: dict[str, str] = field(default_factory=dict)  # user key -> widget id
    fragment_of: dict[str, str] = field(default_factory=dict)  # user key -> the fragment it is drawn in ("" none)
    states: dict[str, WidgetState] = field(default_factory=dict)  # widget id -> the value this tab set
    errors: list[str] = field(default_factory=list)
    fetch_plotly_js: bool = True  # False: as if plotly.js were already in the browser's cache
    plotly_js: float | None = None  # seconds to load plotly.js, once
    _cache: dict[str, int] = field(default_factory=dict)  # message hash -> run count when last used
    _kept: dict[str, ForwardMsg] = field(default_factory=dict)  # message hash -> the message, to draw a reference
    _runs: int = 0
    _max_age: int = 2
    _ws: ClientConnection | None = None
    _plotly_task: asyncio.Task | None = None

    async def open(self, timeout: float = 120) -> Run:
        """Load the page and run it once, as a browser opening the link (the HTTP requests are not timed)."""
        page, _, self.query_string = self.path.partition("?")
        self.page_name = page.strip("/")
        await request(self.host, self.port, self.path, self.cookies)
        await request(self.host, self.port, "/_stcore/health", self.cookies)
        await request(self.host, self.port, "/_stcore/host-config", self.cookies)
        start = time.perf_counter()
        await self.connect()
        return await self._run(self._rerun_msg(first=True), start, timeout)

    async def open_fully(self, timeout: float = 120) -> Run:
        """open(), then wait until plotly.js has loaded too: the whole cost of a student arriving."""
        run = await self.open(timeout)
        if self._plotly_task is not None:
            await self._plotly_task
        return run

    async def connect(self) -> None:
        """Open the websocket; after a drop this resumes the same server-side session, as the frontend does."""
        protocols = ["streamlit", self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")]
        if self.session_id:
            protocols.append(self.session_id)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._ws = await connect(
            f"ws://{self.host}:{self.port}/_stcore/stream",
            subprotocols=protocols,
            additional_headers={"Cookie": cookie} if cookie else None,
            max_size=None,
            open_timeout=60,
        )
        self.replica = self._ws.response.headers.get("X-Replica", "")

    async def reconnect(self, timeout: float = 60) -> Run:
        """Drop the connection and come back (a wifi blip): the frontend reconnects, then asks for a rerun."""
        await self._ws.close()
        start = time.perf_counter()
        await self.connect()
        return await self._run(self._rerun_msg(), start, timeout)

    async def move(self, key: str, value: float, timeout: float = 120) -> Run:
        """Set the slider whose widget key is ``key`` and rerun, as dragging it in the browser does."""
        state = WidgetState(id=self.widgets[key])
        state.double_array_value.data.append(value)
        self.states[state.id] = state
        return await self._run(self._rerun_msg(), time.perf_counter(), timeout)

    async def upload(self, name: str, data: bytes) -> int:
        """PUT a file to this session's upload endpoint, as st.file_uploader does; the HTTP status (204 = stored)."""
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        response = await request(
            self.host,
            self.port,
            f"/_stcore/upload_file/{self.session_id}/{uuid.uuid4().hex}",
            self.cookies,
            method="PUT",
            body=body,
            Content_Type=f"multipart/form-data; boundary={boundary}",
            X_Xsrftoken=self.cookies.get("_streamlit_xsrf", ""),
        )
        return response.status

    async def close(self) -> None:
        if self._plotly_task is not None:
            await asyncio.gather(self._plotly_task, return_exceptions=True)
        if self._ws is not None:
            await self._ws.close()

    def _rerun_msg(self, first: bool = False) -> BackMsg:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        if first:
            rerun.page_name = self.page_name
        else:
            rerun.page_script_hash = self.page_hash
        rerun.widget_states.widgets.extend(self.states.values())
        rerun.cached_message_hashes.extend(self._cache)
        rerun.context_info.timezone = "Europe/Berlin"
        rerun.context_info.locale = "en-US"
        return msg

    async def _run(self, msg: BackMsg, start: float, timeout: float) -> Run:
        await self._ws.send(msg.SerializeToString())
        run = Run(0.0, 0, 0, 0)
        async with asyncio.timeout(timeout):
            async for raw in self._ws:
                run.bytes += len(raw)
                run.messages += 1
                forward = ForwardMsg()
                forward.ParseFromString(raw)
                if self._read(forward, run):
                    run.seconds = time.perf_counter() - start
                    return run
        raise ConnectionError("the server closed the connection during a run")

    def _read(self, msg: ForwardMsg, run: Run) -> bool:
        """Apply one ForwardMsg; True once the run this tab asked for has finished."""
        kind = msg.WhichOneof("type")
        if msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = self._runs
            self._kept[msg.hash] = msg
        if kind == "ref_hash":
            return self._reference(msg.ref_hash, run)
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id
            self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id)
        elif kind == "script_finished":
            if msg.script_finished not in FINISHED:
                return False  # a run cut short by the next rerun, or a compile error: keep reading
            self._runs += 1
            self._cache = {h: seen for h, seen in self._cache.items() if self._runs - seen <= self._max_age}
            self._kept = {h: m for h, m in self._kept.items() if h in self._cache}
            return True
        return False

    def _reference(self, ref_hash: str, run: Run) -> bool:
        """A message the server sent by its hash: the frontend draws the copy it kept (its widgets come back)."""
        run.references += 1
        kept = self._kept.get(ref_hash)
        if kept is None:
            self.errors.append(f"the server referred to a message this tab does not hold ({ref_hash})")
            return False
        self._cache[ref_hash] = self._runs
        return self._read(kept, run)

    def _element(self, element, fragment: str = "") -> None:
        kind = element.WhichOneof("type")
        if kind == "alert" and element.alert.format == Alert.ERROR:
            self.errors.append(element.alert.body)
        elif kind == "exception":
            self.errors.append(f"{element.exception.type}: {element.exception.message}")
        widget = getattr(element, kind)
        widget_id = getattr(widget, "id", "")
        if widget_id.startswith("$$ID-"):
            self.widgets[widget_id.split("-", 2)[2]] = widget_id
            self.fragment_of[widget_id.split("-", 2)[2]] = fragment
        if kind == "bidi_component" and self.fetch_plotly_js and self._plotly_task is None:
            spec = json.loads(element.bidi_component.json or element.bidi_component.bytes or b"{}")
            src = spec.get("gz") or spec.get("src")  # the gzipped copy, as a browser with DecompressionStream
            if src:
                self._plotly_task = asyncio.create_task(self._load_plotly(src))

    async def _load_plotly(self, src: str) -> None:
        start = time.perf_counter()
        response = await request(self.host, self.port, urlsplit(src).path, self.cookies)
        if response.status == 200:
            self.plotly_js = time.perf_counter() - start
        else:
            self.errors.append(f"plotly.js: HTTP {response.status}")
