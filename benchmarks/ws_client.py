"""Protocol-level Streamlit load client (no browser): speaks BackMsg/ForwardMsg over the websocket.

A :class:`Session` opens a page the way the front end does (a ``rerun_script`` BackMsg with the page
name and the query string of the URL), learns the widgets from the deltas that come back (id, kind,
label, current value, the fragment they live in), and changes one to a fresh value, measuring the
time from the message sent to the ``script_finished`` of that run. Exception deltas (the red error
box) are errors; ``st.error``/``st.warning`` texts are collected separately (they are the app's
clear messages).

Scenarios (``python benchmarks/ws_client.py SCENARIO --help``):

- ``load``: N sessions arrive over ``--ramp`` s; each changes a widget (``--widget``, default the
  start x) to a value it has not sent
  before every 2-3 s (think time) for ``--seconds`` s. Prints latency p50/p95/max, first-page times,
  server CPU-s per update, RSS before/after/after the sessions closed, errors, and the sessions that
  starved (no first page, or no update finished).
- ``flood``: one client sends ``--reruns`` full reruns back to back while N normal sessions work;
  prints the normal sessions' latencies.
- ``restart``: N sessions on the presets (through a proxy); ``kill -9`` of one process; the sessions
  it had
  reconnect and rerun their URL's scenario: kill-to-chart time, error boxes, scenarios that changed.
- ``export``: N sessions request a download (``--label``) ``--requests`` times in all; prints RSS
  and
  how many were served or refused.

Servers: ``--serve K`` starts K Streamlit processes on free loopback ports (the repository's config,
plus ``--set option=value``); or ``--url`` (loopback only) with ``--pid`` for the CPU/RSS numbers.
Bounded: at most 400 sessions, 600 s, 5000 reruns; never talks to anything but 127.0.0.1/localhost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_SESSIONS, MAX_SECONDS, MAX_RERUNS = 400, 600, 5000
DONE = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
}
WIDGET_KINDS = (
    "slider",
    "selectbox",
    "number_input",
    "text_input",
    "checkbox",
    "button",
    "download_button",
    "radio",
    "multiselect",
    "toggle",
    "text_area",
    "file_uploader",
    "plotly_chart",
    "button_group",
)


def check_loopback(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing {url}: this load client talks to loopback only")
    return url.rstrip("/")


# --- the server's side: CPU seconds and memory from /proc
# -------------------------------------------


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            f = fh.read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 120.0, proc: subprocess.Popen | None = None) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} not healthy within {timeout:.0f} s")


@contextlib.contextmanager
def streamlit_servers(
    n: int = 1, settings: tuple[str, ...] = (), env: dict | None = None, timeout: float = 180.0
):
    """``n`` Streamlit processes of this app on free loopback ports; yields ``[(url, Popen),
    ...]``."""
    procs = []
    try:
        for _ in range(n):
            port = free_port()
            cmd = [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ]
            for s in settings:
                k, _, v = s.partition("=")
                cmd += [f"--{k}", v]
            log = tempfile.NamedTemporaryFile(
                prefix=f"optiscape-ws-{port}-", suffix=".log", delete=False
            )
            p = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            p.log = log  # type: ignore[attr-defined]
            procs.append((f"http://127.0.0.1:{port}", p))
        for url, p in procs:
            wait_healthy(url, timeout, p)
        yield procs
    finally:
        for _, p in procs:
            p.terminate()
        for _, p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            p.log.close()


# --- one session
# ------------------------------------------------------------------------------------


@dataclass
class Widget:
    id: str
    kind: str
    label: str
    proto: object
    fragment_id: str = ""


@dataclass
class Run:
    """What one script run sent back."""

    status: int = -1
    exceptions: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    servers: object = None
    mark: tuple[float, int] | None = None  # (server CPU, updates) when the last first page was done
    charts: int = 0  # plotly charts
    components: int = 0  # custom components (the replay map)
    elements: int = 0

    @property
    def drawn(self) -> int:
        """Charts and maps that arrived (a custom component draws the map on some pages)."""
        return self.charts + self.components


class Session:
    """One simulated browser tab: a websocket speaking Streamlit's protocol.

    ``url`` is the page's address as a student would open it, e.g.
    ``http://127.0.0.1:8501/Compare?preset=momentum-vs-nesterov-saddle``."""

    def __init__(self, url: str, *, cookie: str | None = None, max_size: int = 64 * 2**20):
        parts = urllib.parse.urlsplit(check_loopback(url))
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.page = parts.path.strip("/")
        self.query = parts.query
        self.cookie = cookie
        self.max_size = max_size
        self.ws = None
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, object] = {}  # widget id -> WidgetState sent so far
        self.page_hash = ""
        self.session_id = ""
        self.hashes: set[str] = set()
        self.hash_kind: dict[str, str] = {}
        self.exceptions: list[str] = []
        self.alerts: list[str] = []
        self.closed = False
        self._pending: list[tuple[asyncio.Future, Run]] = []
        self._reader: asyncio.Task | None = None
        self._ops: dict[str, asyncio.Future] = {}

    # connection
    async def connect(self, timeout: float = 30.0, resume: bool = False) -> None:
        """Opens the websocket; ``resume`` asks for this session back (as the front end does after a
        network blip), which only the process that holds it can grant."""
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else None
        protocols = (
            ["streamlit", "xsrf-unused", self.session_id]
            if resume and self.session_id
            else ["streamlit"]
        )
        self.ws = await asyncio.wait_for(
            websockets.connect(
                ws_url,
                subprotocols=protocols,
                additional_headers=headers,
                max_size=self.max_size,
                open_timeout=timeout,
                ping_interval=None,
                compression=None,
            ),
            timeout,
        )
        self.closed = False
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except (websockets.ConnectionClosed, OSError):
            pass
        finally:
            self.closed = True
            for fut, _ in self._pending:
                if not fut.done():
                    fut.set_exception(ConnectionError("websocket closed"))
            self._pending.clear()
            for fut in self._ops.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("websocket closed"))

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        run = self._pending[0][1] if self._pending else None
        if msg.metadata.cacheable and msg.hash:
            self.hashes.add(msg.hash)
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self.hash_kind[msg.hash] = msg.delta.new_element.WhichOneof("type")
        if kind == "ref_hash":  # "you have this one already" (the client listed it as cached)
            if run is not None:
                run.elements += 1
                run.charts += self.hash_kind.get(msg.ref_hash) == "plotly_chart"
                run.components += self.hash_kind.get(msg.ref_hash) == "component_instance"
            return
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id
        elif kind == "navigation":  # the page that ran (new_session names the main script)
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta":
            d = msg.delta
            if d.WhichOneof("type") == "add_block" and d.add_block.expandable.id:
                e = d.add_block.expandable  # an expander drawn lazily: a client opens it
                self.widgets[e.id] = Widget(e.id, "expander", e.label, e, d.fragment_id)
            if d.WhichOneof("type") != "new_element":
                return
            el = d.new_element
            which = el.WhichOneof("type")
            if run is not None:
                run.elements += 1
            if which == "exception":
                text = f"{el.exception.type}: {el.exception.message}"[:300]
                self.exceptions.append(text)
                if run is not None:
                    run.exceptions.append(text)
            elif which == "alert":
                self.alerts.append(el.alert.body[:300])
                if run is not None:
                    run.alerts.append(el.alert.body[:300])
            elif which == "plotly_chart" and run is not None:
                run.charts += 1
            elif which == "component_instance" and run is not None:
                run.components += 1
            if which in WIDGET_KINDS:
                p = getattr(el, which)
                wid = getattr(p, "id", "")
                if wid:
                    self.widgets[wid] = Widget(
                        wid, which, getattr(p, "label", ""), p, d.fragment_id
                    )
        elif kind == "script_finished":
            status = msg.script_finished
            if self._pending:
                fut, run = self._pending[0]
                run.status = status
                if status in DONE:
                    self._pending.pop(0)
                    if not fut.done():
                        fut.set_result(run)
        elif kind == "backend_operation_response":
            r = msg.backend_operation_response
            fut = self._ops.pop(r.request_id, None)
            if fut is not None and not fut.done():
                fut.set_result(r)

    # messages
    async def _send(self, back: BackMsg) -> None:
        await self.ws.send(back.SerializeToString())

    def _rerun_msg(self, fragment_id: str = "") -> BackMsg:
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        cs.page_name = self.page
        if fragment_id:
            cs.fragment_id = fragment_id
        cs.widget_states.widgets.extend(self.states.values())
        cs.cached_message_hashes.extend(sorted(self.hashes)[-2000:])
        return back

    async def rerun(self, fragment_id: str = "", timeout: float = 120.0) -> tuple[float, Run]:
        """Sends a rerun and waits for its ``script_finished``; returns (seconds, Run)."""
        fut = asyncio.get_running_loop().create_future()
        run = Run()
        self._pending.append((fut, run))
        t0 = time.perf_counter()
        await self._send(self._rerun_msg(fragment_id))
        try:
            await asyncio.wait_for(fut, timeout)
        finally:
            if (fut, run) in self._pending:
                self._pending.remove((fut, run))
        return time.perf_counter() - t0, run

    async def open(self, timeout: float = 120.0) -> tuple[float, Run]:
        """Connects (if needed) and runs the page as a browser opening the URL does."""
        t0 = time.perf_counter()
        if self.ws is None or self.closed:
            await self.connect(timeout)
        _, run = await self.rerun(timeout=timeout)
        return time.perf_counter() - t0, run

    async def send_rerun_nowait(self) -> None:
        await self._send(self._rerun_msg())

    def find(self, label: str, kind: str | None = None) -> Widget:
        for w in self.widgets.values():
            if w.label == label and (kind is None or w.kind == kind):
                return w
        raise KeyError(
            f"no widget labelled {label!r} ({kind or 'any kind'}); have "
            f"{sorted({w.label for w in self.widgets.values()})}"
        )

    def set_state(self, w: Widget, value) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        s = WidgetState(id=w.id)
        if w.kind == "slider":
            s.double_array_value.data.extend(
                [float(value)]
                if not isinstance(value, (list, tuple))
                else [float(v) for v in value]
            )
        elif w.kind == "number_input":
            if isinstance(value, int):
                s.int_value = value
            else:
                s.double_value = float(value)
        elif w.kind in ("text_input", "text_area"):
            s.string_value = str(value)
        elif w.kind in ("checkbox", "toggle", "expander"):
            s.bool_value = bool(value)
        elif w.kind == "selectbox":
            s.string_value = str(value)
        elif w.kind == "button":
            s.trigger_value = True
        else:
            raise ValueError(f"cannot set a {w.kind}")
        self.states[w.id] = s

    async def change(
        self, label: str, value, kind: str | None = None, timeout: float = 120.0
    ) -> tuple[float, Run]:
        """Sets a widget (by label) and reruns as the front end does (a fragment run inside a
        fragment)."""
        w = self.find(label, kind)
        self.set_state(w, value)
        try:
            return await self.rerun(w.fragment_id, timeout)
        finally:
            if w.kind == "button":
                self.states.pop(w.id, None)

    async def download(self, label: str, timeout: float = 120.0):
        """Asks for a deferred download (what clicking an on-demand download button does);
        returns the BackendOperationResponse (``deferred_file.url`` or ``error_msg``). A button
        in a closed expander that draws its content lazily (Compare's export panel) is reached as
        a user does: the expander is opened first."""
        try:
            w = self.find(label, "download_button")
        except KeyError:
            shut = [
                w for w in self.widgets.values() if w.kind == "expander" and w.id not in self.states
            ]
            for e in shut:
                await self.change(e.label, True, "expander", timeout)
            w = self.find(label, "download_button")
        rid = os.urandom(6).hex()
        back = BackMsg()
        req = back.backend_operation_request
        req.request_id = rid
        req.session_id = self.session_id
        req.deferred_file.file_id = w.proto.deferred_file_id
        fut = asyncio.get_running_loop().create_future()
        self._ops[rid] = fut
        await self._send(back)
        return await asyncio.wait_for(fut, timeout)


# --- scenarios
# ----------------------------------------------------------------------------------------

PAGE = "/Compare?preset=momentum-vs-nesterov-saddle"


@dataclass
class Stats:
    lat: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    per_session: dict[int, int] = field(default_factory=dict)
    opened: set[int] = field(default_factory=set)
    alerts: list[str] = field(default_factory=list)
    servers: object = None
    mark: tuple[float, int] | None = None  # (server CPU, updates) when the last first page was done


class Servers:
    """The processes whose CPU and memory are measured (by pid)."""

    def __init__(self, pids: list[int]):
        self.pids = pids

    def cpu(self) -> float:
        return sum(cpu_s(p) for p in self.pids)

    def rss(self) -> float:
        return sum(rss_mb(p) for p in self.pids)


def fresh_values(w: Widget, rng: random.Random) -> list:
    """Values of a slider or number input this session has not sent yet (so no cached answer can
    serve them)."""
    p = w.proto
    if w.kind == "slider" and not p.options:
        step = p.step or 1
        values = [p.min + k * step for k in range(round((p.max - p.min) / step) + 1)]
        cur = p.value[0] if p.value else p.default[0]
    elif w.kind == "number_input":
        cur = p.value if p.HasField("value") else p.default
        values = [round(cur + k * 0.0137, 4) for k in range(-300, 301)]
    else:
        raise ValueError(f"cannot pick values for a {w.kind}")
    values = [v for v in values if v != cur]
    rng.shuffle(values)
    return values


async def student(i: int, url: str, a, st: Stats, end: float, cookie: str | None = None) -> None:
    """Opens the page, then changes the widget (``--widget``) to a fresh value every think seconds
    until ``end``."""
    rng = random.Random(i)  # noqa: S311 (load pattern, not a secret)
    await asyncio.sleep(i * a.ramp / max(a.sessions, 1))
    s = Session(
        url + a.page, cookie=cookie or f"optiscape={os.urandom(8).hex()}"
    )  # its own sticky cookie behind nginx
    st.per_session[i] = 0
    try:
        dt, run = await s.open(timeout=a.timeout)
        st.first.append(dt)
        st.opened.add(i)
        if (
            len(st.opened) == a.sessions and st.mark is None and st.servers is not None
        ):  # all first pages done
            st.mark = (st.servers.cpu(), len(st.lat))
        st.errors += [f"session {i}: {e}" for e in run.exceptions]
        values = fresh_values(s.find(a.widget), rng)
        while time.time() < end and values:
            await asyncio.sleep(rng.uniform(a.think_min, a.think_max))
            if time.time() >= end:
                break
            try:
                dt, run = await s.change(a.widget, values.pop(), timeout=a.timeout)
            except TimeoutError:
                st.errors.append(f"session {i}: no update within {a.timeout:.0f} s")
                continue
            st.lat.append(dt)
            st.per_session[i] += 1
            st.errors += [f"session {i}: {e}" for e in run.exceptions]
            st.alerts += run.alerts
    except (TimeoutError, ConnectionError, OSError, websockets.WebSocketException, KeyError) as e:
        st.errors.append(f"session {i}: {type(e).__name__}: {e}"[:200])
    finally:
        await s.close()


def report(
    title: str, st: Stats, a, cpu: float, rss: tuple[float, float, float], wall: float
) -> dict:
    n = len(st.lat)
    starved = [i for i in range(a.sessions) if i not in st.opened or st.per_session.get(i, 0) == 0]
    steady = float("nan")
    if st.mark is not None and n > st.mark[1] and st.servers is not None:
        steady = (st.servers.cpu() - st.mark[0]) / (n - st.mark[1])
    res = {
        "steady_cpu_per_update": steady,
        "sessions": a.sessions,
        "updates": n,
        "errors": len(st.errors),
        "starved": len(starved),
        "p50": pct(st.lat, 0.5),
        "p95": pct(st.lat, 0.95),
        "max": max(st.lat, default=float("nan")),
        "first_p50": pct(st.first, 0.5),
        "first_p95": pct(st.first, 0.95),
        "first_max": max(st.first, default=float("nan")),
        "cpu_s": cpu,
        "cpu_per_update": cpu / max(n, 1),
        "rss": rss,
        "wall": wall,
    }
    print(
        f"{title}: {a.sessions} sessions over {a.ramp:.0f} s, {n} updates in {wall:.0f} s, "
        f"{len(st.errors)} errors, "
        f"{len(starved)} starved, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print("| measure | p50 | p95 | max |\n|---|---|---|---|")
    print(
        f"| widget message sent -> script finished | {res['p50'] * 1e3:.0f} ms | "
        f"{res['p95'] * 1e3:.0f} ms | {res['max'] * 1e3:.0f} ms |"
    )
    print(
        f"| first page (connect -> script finished) | {res['first_p50']:.1f} s | "
        f"{res['first_p95']:.1f} s | {res['first_max']:.1f} s |"
    )
    print(
        f"server CPU {cpu:.1f} s = {res['cpu_per_update']:.3f} CPU-s per update (first pages "
        "included; "
        f"{steady:.3f} once every session had its first page); "
        f"RSS before {rss[0]:.0f} MB, after {rss[1]:.0f} MB, after disconnect {rss[2]:.0f} MB"
    )
    busy = sum("busy" in x.lower() for x in st.alerts)
    if busy:
        print(f"{busy} 'busy' messages shown")
    for e in st.errors[:10]:
        print("  ", e)
    return res


async def run_load(urls: list[str], servers: Servers, a) -> dict:
    st = Stats(servers=servers)
    rss0, cpu0 = servers.rss(), servers.cpu()
    t0 = time.perf_counter()
    end = time.time() + a.ramp + a.seconds
    await asyncio.gather(*(student(i, urls[i % len(urls)], a, st, end) for i in range(a.sessions)))
    wall = time.perf_counter() - t0
    cpu, rss1 = servers.cpu() - cpu0, servers.rss()
    await asyncio.sleep(a.settle)
    return report("load", st, a, cpu, (rss0, rss1, servers.rss()), wall)


async def run_flood(urls: list[str], servers: Servers, a) -> dict:
    st = Stats()
    flood = Session(urls[0] + a.page)
    await flood.open(timeout=a.timeout)
    w = flood.find(a.widget)
    values = fresh_values(w, random.Random(-1))  # noqa: S311
    rss0, cpu0 = servers.rss(), servers.cpu()
    t0 = time.perf_counter()
    end = time.time() + a.ramp + a.seconds

    async def flooder():
        for k in range(a.reruns):
            flood.set_state(w, values[k % len(values)])
            await flood.send_rerun_nowait()
            await asyncio.sleep(0)
        t = time.perf_counter()
        _, _ = await flood.rerun(timeout=a.timeout)  # the flood has drained when this one finishes
        print(
            f"flood: {a.reruns} full reruns sent; server done with them "
            f"{time.perf_counter() - t:.1f} s after the last"
        )

    await asyncio.gather(
        flooder(), *(student(i, urls[i % len(urls)], a, st, end) for i in range(a.sessions))
    )
    wall = time.perf_counter() - t0
    await flood.close()
    cpu = servers.cpu() - cpu0
    return report("flood (other sessions)", st, a, cpu, (rss0, servers.rss(), servers.rss()), wall)


async def run_export(urls: list[str], servers: Servers, a) -> dict:
    sessions = [Session(urls[i % len(urls)] + a.page) for i in range(a.sessions)]
    for s in sessions:
        await s.open(timeout=a.timeout)
    rss0 = servers.rss()
    served = refused = 0
    peak = rss0
    msgs: set[str] = set()
    t0 = time.perf_counter()

    async def one(s: Session, k: int):
        nonlocal served, refused, peak
        for _ in range(k):
            r = await s.download(a.label, timeout=a.timeout)
            if r.WhichOneof("payload") == "deferred_file":
                served += 1
            else:
                refused += 1
                msgs.add(r.error_msg)
            peak = max(peak, servers.rss())

    per = [
        a.requests // a.sessions + (1 if i < a.requests % a.sessions else 0)
        for i in range(a.sessions)
    ]
    await asyncio.gather(*(one(s, k) for s, k in zip(sessions, per, strict=True)))
    wall = time.perf_counter() - t0
    rss1 = servers.rss()
    for s in sessions:
        await s.close()
    await asyncio.sleep(a.settle)
    rss2 = servers.rss()
    print(
        f"export: {a.requests} requests for {a.label!r} from {a.sessions} sessions in "
        f"{wall:.0f} s: {served} served, "
        f"{refused} refused {sorted(msgs)[:3]}; RSS before {rss0:.0f} MB, peak {peak:.0f} MB, "
        f"after {rss1:.0f} MB, "
        f"after disconnect {rss2:.0f} MB"
    )
    return {"served": served, "refused": refused, "rss": (rss0, peak, rss1, rss2)}


async def reopen(s: Session, deadline: float) -> Run:
    """Reconnects a session whose process went away, the way the front end does (retry every 0.5 s),
    and reruns its page with the query string the URL has now; returns the run that drew it."""
    while True:
        try:
            s.ws = None
            _, run = await s.open(timeout=max(1.0, deadline - time.time()))
            return run
        except (OSError, ConnectionError, websockets.WebSocketException, TimeoutError):
            if time.time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def run_restart(urls: list[str], servers: Servers, a) -> dict:
    """Sessions on several presets; kill -9 one process; every session it had reconnects (through
    the proxy: to another process or the restarted one) and must draw its scenario again with no
    error box."""
    sys.path.insert(0, ROOT)
    import scenarios

    slugs = scenarios.preset_names()
    sessions = [
        Session(
            f"{urls[i % len(urls)]}/Compare?preset={slugs[i % len(slugs)]}",
            cookie=f"optiscape={os.urandom(8).hex()}",
        )
        for i in range(a.sessions)
    ]
    opened = await asyncio.gather(
        *(s.open(timeout=a.timeout) for s in sessions), return_exceptions=True
    )
    errors = [
        f"session {i}: first page: {o!r}"[:200]
        for i, o in enumerate(opened)
        if isinstance(o, BaseException)
    ]
    queries = [s.query for s in sessions]
    if a.clear_cache:
        for name in os.listdir(a.clear_cache):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(a.clear_cache, name))
    victims = a.kill or servers.pids[:1]
    t_kill = time.perf_counter()
    for pid in victims:
        os.kill(pid, 9)
    deadline = time.time() + a.timeout
    times: list[float] = []
    hit: list[int] = []
    boxes = changed = 0

    async def back(i):
        nonlocal boxes, changed
        s = sessions[i]
        for _ in range(60):  # the killed process's websockets close at once; the others stay open
            if s.closed:
                break
            await asyncio.sleep(0.05)
        else:
            return
        hit.append(i)
        try:
            run = await reopen(s, deadline)
        except Exception as e:
            errors.append(f"session {i}: no reconnect: {type(e).__name__}: {e}"[:200])
            return
        times.append(time.perf_counter() - t_kill)
        boxes += len(run.exceptions)
        errors.extend(f"session {i}: {x}" for x in run.exceptions)
        if run.drawn < 1:
            errors.append(f"session {i}: no chart after reconnecting")
        if s.query != queries[i]:
            changed += 1
            errors.append(f"session {i}: scenario changed: {queries[i][:80]} -> {s.query[:80]}")

    await asyncio.gather(*(back(i) for i in range(len(sessions))))
    for s in sessions:
        await s.close()
    print(
        f"restart: {len(sessions)} sessions, kill -9 of {victims}; {len(hit)} lost their "
        "process and reconnected: "
        f"{len(times)} drew their scenario again, {boxes} error boxes, {changed} scenarios "
        "changed; "
        f"kill -> chart p50 {pct(times, 0.5):.1f} s, max {max(times, default=float('nan')):.1f} s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for e in errors[:10]:
        print("  ", e)
    return {
        "hit": len(hit),
        "back": len(times),
        "boxes": boxes,
        "changed": changed,
        "errors": errors,
        "p50": pct(times, 0.5),
        "max": max(times, default=float("nan")),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", choices=["load", "flood", "export", "restart"])
    ap.add_argument(
        "--url",
        action="append",
        default=[],
        help="server base URL(s), loopback only (default: start --serve)",
    )
    ap.add_argument(
        "--pid", action="append", type=int, default=[], help="server pid(s) to measure (with --url)"
    )
    ap.add_argument(
        "--serve", type=int, default=1, help="start this many server processes (when no --url)"
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        help="Streamlit option for --serve, e.g. runner.postScriptGC=false",
    )
    ap.add_argument(
        "--env",
        action="append",
        default=[],
        help="environment variable for --serve, e.g. OPTISCAPE_RUN_SLOTS=0",
    )
    ap.add_argument("--page", default=PAGE, help="page path and query string")
    ap.add_argument(
        "--widget",
        default="start x",
        help="label of the slider or number input each session changes",
    )
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument(
        "--seconds", type=float, default=30.0, help="widget changes per session, after the ramp"
    )
    ap.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which the sessions arrive"
    )
    ap.add_argument("--think-min", type=float, default=2.0)
    ap.add_argument("--think-max", type=float, default=3.0)
    ap.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="an update or first page slower than this is an error",
    )
    ap.add_argument(
        "--settle",
        type=float,
        default=3.0,
        help="wait after disconnect before the last RSS reading",
    )
    ap.add_argument("--reruns", type=int, default=500, help="flood: full reruns sent back to back")
    ap.add_argument("--requests", type=int, default=150, help="export: downloads asked for in all")
    ap.add_argument(
        "--label", default="HTML (interactive)", help="export: the download button's label"
    )
    ap.add_argument(
        "--kill",
        action="append",
        type=int,
        default=[],
        help="restart: pid(s) to kill -9 (default: the first --pid)",
    )
    ap.add_argument(
        "--clear-cache",
        default="",
        help="restart: empty this compile-cache directory just before the kill",
    )
    ap.add_argument(
        "--warm",
        action="store_true",
        help="open the page once before measuring (compiles, imports)",
    )
    a = ap.parse_args(argv)
    a.sessions = max(1, min(a.sessions, MAX_SESSIONS))
    a.seconds = max(1.0, min(a.seconds, MAX_SECONDS))
    a.ramp = max(0.0, min(a.ramp, MAX_SECONDS))
    a.reruns = max(1, min(a.reruns, MAX_RERUNS))
    a.requests = max(1, min(a.requests, MAX_RERUNS))
    fn = {"load": run_load, "flood": run_flood, "export": run_export, "restart": run_restart}[
        a.scenario
    ]

    async def go(urls, pids):
        if a.warm:
            s = Session(urls[0] + a.page)
            await s.open(timeout=300)
            await s.close()
        return await fn(urls, Servers(pids), a)

    if a.url:
        return asyncio.run(go([check_loopback(u) for u in a.url], a.pid))
    env = dict(e.split("=", 1) for e in a.env)
    with streamlit_servers(a.serve, tuple(a.set), env) as procs:
        return asyncio.run(go([u for u, _ in procs], [p.pid for _, p in procs]))


if __name__ == "__main__":
    main()
