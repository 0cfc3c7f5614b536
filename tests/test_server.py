"""Server guards (ui/_server.py) and the protocol-level load client (benchmarks/ws_client.py)
against a real server."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

from ui import _server  # noqa: E402


def test_gate_admits_at_most_slots_in_arrival_order():
    gate = _server.Gate(2)
    inside, peak, order = [0], [0], []
    lock = threading.Lock()
    assert gate.acquire() and gate.acquire()  # both slots taken: the workers below must queue

    def work(i):
        gate.acquire()
        with lock:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
            order.append(i)
        time.sleep(0.01)
        with lock:
            inside[0] -= 1
        gate.release()

    threads = []
    for i in range(12):
        t = threading.Thread(target=work, args=(i,))
        t.start()
        threads.append(t)
        while gate.waiting < i + 1:  # each worker is queued before the next arrives
            time.sleep(0.001)
    gate.release()
    gate.release()
    for t in threads:
        t.join(10)
    assert peak[0] <= 2
    assert order == list(range(12))  # first come, first served
    assert gate.waited == 12


def test_gate_times_out_and_leaves_the_queue():
    gate = _server.Gate(1)
    assert gate.acquire()
    t0 = time.monotonic()
    assert not gate.acquire(timeout=0.05)
    assert time.monotonic() - t0 < 1.0 and gate.waiting == 0
    gate.release()
    assert gate.acquire(timeout=0.05)


def test_rate_limit_sliding_window():
    lim = _server.RateLimit(3, 0.2)
    assert [lim.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = lim.take()
    assert 0 < wait <= 0.2 and lim.wait_s() > 0
    time.sleep(wait + 0.01)
    assert lim.take() == 0.0


def test_limited_export_refuses_with_a_clear_message_and_counts_per_session():
    lim = _server.RateLimit(2, 60)
    calls = []
    fn = _server.limited_export(lambda: calls.append(1) or b"data", lim)
    assert fn() == b"data" and fn() == b"data"
    with pytest.raises(
        _server.ExportRefused,
        match=r"export limit: 2 files a minute per session; try again in \d+ s",
    ):
        fn()
    assert len(calls) == 2  # the refused one never ran
    other = _server.limited_export(
        lambda: b"x", _server.RateLimit(2, 60)
    )  # another session has its own budget
    assert other() == b"x"


def test_warm_imports_loads_what_plotly_reads_lazily():
    done = _server.warm_imports()
    assert "pandas" in done and "plotly.io._json" in done
    import pandas

    assert hasattr(sys.modules["pandas"], "Series") and sys.modules["pandas"] is pandas


def test_formula_rate_limit_in_the_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(os.path.join(ROOT, "app_pages", "1_Playground.py"), default_timeout=120)
    at.run()
    at.selectbox(key="play:surface").set_value(
        "custom"
    ).run()  # the default formula is the first new one
    formulas = [f"x^2 + {k}*y^2" for k in range(2, 2 + _server.FORMULAS_PER_MINUTE)]
    for f in formulas[:-1]:
        at.text_input(key="play:formula").set_value(f).run()
        assert not [w for w in at.warning if "New formulas are limited" in w.value]
    at.text_input(key="play:formula").set_value(formulas[-1]).run()
    assert not at.exception
    msgs = [w.value for w in at.warning if "New formulas are limited" in w.value]
    assert (
        len(msgs) == 1 and repr(formulas[-2]) in msgs[0]
    )  # over the limit: the last accepted formula is drawn meanwhile
    assert at.query_params.get("formula") in (formulas[-2], [formulas[-2]])
    at.text_input(key="play:formula").set_value(formulas[0]).run()  # one already compiled is free
    assert not [w for w in at.warning if "New formulas are limited" in w.value]


# --- against a real server, at the protocol level
# -------------------------------------------------------


@pytest.mark.slow
def test_protocol_client_many_sessions_none_starve_and_no_error_box():
    """More sessions at once than one process serves without queueing, on a fresh process: each
    opens Compare and makes two changes; every one finishes, with no exception box. (Without the
    start-up imports, 18 of 20 sessions opening together on a fresh process got ``partially
    initialized module 'pandas'``.) Bounded: 40 sessions, 240 s."""
    import ws_client as wc

    async def go(url):
        async def one(i):
            s = wc.Session(url + wc.PAGE)
            try:
                _, run = await s.open(timeout=120)
                runs = [run]
                for k in range(2):
                    _, run = await s.change("start x", 0.5 + 0.01 * i + 0.001 * k, timeout=120)
                    runs.append(run)
                return runs, s.exceptions
            finally:
                await s.close()

        return await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(40))), 240)

    async def exports(url):
        s = wc.Session(url + wc.PAGE)
        try:
            await s.open(timeout=120)
            return [await s.download("CSV (data)") for _ in range(_server.EXPORTS_PER_MINUTE + 2)]
        finally:
            await s.close()

    with wc.streamlit_servers(1) as [(url, _proc)]:
        t0 = time.time()  # a fresh process: nothing imported by a page yet
        results = asyncio.run(go(url))
        wall = time.time() - t0
        answers = asyncio.run(exports(url))
    served = [a for a in answers if a.WhichOneof("payload") == "deferred_file"]
    assert len(served) == _server.EXPORTS_PER_MINUTE and all(a.deferred_file.url for a in served)
    assert len(answers) - len(served) == 2  # one session's flood is cut at its limit
    assert len(results) == 40
    for runs, exceptions in results:
        assert exceptions == []
        assert len(runs) == 3 and all(r.status in wc.DONE for r in runs)
        # the map arrived, its loss chart inside it (Compare sends no Streamlit chart)
        assert runs[0].components >= 1 and runs[0].charts == 0
    assert wall < 200


def test_protocol_client_rejects_anything_but_loopback():
    import ws_client as wc

    with pytest.raises(SystemExit, match="loopback only"):
        wc.Session("http://example.org/Compare")
    with pytest.raises(SystemExit):
        wc.main(["load", "--url", "http://10.0.0.1:8501"])


def test_prune_dir_keeps_the_compile_cache_bounded_oldest_out_first(tmp_path, monkeypatch):
    monkeypatch.setattr(_server, "_pruned", [0.0])
    for i in range(10):
        p = tmp_path / f"jit_{i}-cache"
        p.write_bytes(b"x" * 1000)
        os.utime(p, (1000 + i, 1000 + i))  # file i was last used at time 1000 + i
    assert _server.prune_dir(str(tmp_path), 20_000) == 0  # under the bound: nothing goes
    monkeypatch.setattr(_server, "_pruned", [0.0])
    assert _server.prune_dir(str(tmp_path), 6000) == 6  # down to 3/4 of the bound
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"jit_{i}-cache" for i in range(6, 10)]
    assert _server.prune_dir(str(tmp_path), 10) == 0  # at most every 10 minutes per process


def test_admission_gate_wraps_script_runs_and_clear_cache_stays_in_its_session():
    from streamlit.runtime import app_session
    from streamlit.runtime.scriptrunner import script_runner

    assert _server.install_admission()
    assert script_runner.ScriptRunner._run_script._optiscape_gate is _server.GATE
    assert _server.install_admission()  # once: not wrapped twice
    assert not hasattr(script_runner.ScriptRunner._run_script.__wrapped__, "_optiscape_gate")

    class FakeState:
        cleared = False

        def clear(self):
            self.cleared = True

    class FakeSession:
        _session_state = FakeState()

    calls = []
    import streamlit as st

    @st.cache_data
    def square(x):
        calls.append(x)
        return x * x

    square(3)
    app_session.AppSession._handle_clear_cache_request(
        FakeSession
    )  # a client's "clear cache" message
    square(3)
    assert calls == [3]  # everyone's cached results survive
    assert FakeSession._session_state.cleared  # the sender's own state is reset
