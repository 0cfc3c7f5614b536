"""N Optiscape processes behind nginx on one machine, each restarted if it dies.

``python deploy/supervise.py --procs 2 --listen 127.0.0.1:8080`` (or ``0.0.0.0:80`` on a class
server):

1. loads ``deploy/streamlit.env`` into the environment and points every process at one shared
   compile cache (``--cache``, default ``~/.cache/optiscape-jax``);
2. fills that cache once, at the ``--warm`` level (``serve.py --warm-only --warm all``: every preset
   and the network page's loops; ``first``: the default preset only; ``none`` skips it), so the
   processes load executables instead of each compiling them;
3. starts ``--procs`` processes (``deploy/serve.py``) on ports ``--base-port``, ``--base-port + 1``,
   ...; each warms itself before it listens (``OPTISCAPE_WARM``: ``first`` = the default preset,
   from the disk cache; ``all`` = every preset, seconds longer), and until then nginx sends its
   share to the
   others;
4. writes ``nginx.conf`` from ``deploy/nginx.conf.template`` into ``--run-dir`` and starts Debian's
nginx
   (``--no-nginx`` to skip): sticky sessions (a cookie hashed onto a process, so a tab's websocket,
   uploads and downloads stay in one process), websocket upgrade, per-IP connection and request
   limits,
   ``/_stcore/metrics`` not served;
5. checks the processes every 0.5 s and starts a dead one again (after 1 s, doubling up to 30 s
while it
   keeps dying within a minute); nginx is restarted too if it exits. ``status.json`` in the run
   directory lists the ports, pids and restarts. SIGTERM/SIGINT stop everything.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load_env(path: str) -> dict[str, str]:
    env = {}
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k.strip()] = v.strip()
    return env


def render_nginx(
    template: str, run_dir: str, listen: str, ports: list[int], per_ip: int, req_rate: int
) -> str:
    with open(template) as fh:
        text = fh.read()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in ports)
    for k, v in {
        "RUN_DIR": run_dir,
        "LISTEN": listen,
        "UPSTREAMS": servers,
        "PER_IP": str(per_ip),
        "REQ_RATE": str(req_rate),
        "REQ_BURST": str(20 * req_rate),
    }.items():
        text = text.replace("{{" + k + "}}", v)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(run_dir, "tmp", sub), exist_ok=True)
    conf = os.path.join(run_dir, "nginx.conf")
    with open(conf, "w") as fh:
        fh.write(text)
    return conf


def healthy(port: int, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout
        ) as r:
            return r.status == 200
    except OSError:
        return False


class Supervisor:
    def __init__(self, a):
        self.a = a
        self.env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.env.update(load_env(a.env_file))
        self.env["OPTISCAPE_JAX_CACHE"] = a.cache
        if a.warm:
            self.env["OPTISCAPE_WARM"] = a.warm
        self.ports = [a.base_port + i for i in range(a.procs)]
        self.procs: dict[int, subprocess.Popen | None] = dict.fromkeys(self.ports)
        self.started: dict[int, float] = {}
        self.backoff: dict[int, float] = dict.fromkeys(self.ports, 1.0)
        self.due: dict[int, float] = {}
        self.restarts = 0
        self.nginx: subprocess.Popen | None = None
        self.stopping = False
        os.makedirs(a.run_dir, exist_ok=True)

    def log(self, msg: str) -> None:
        print(f"supervise: {msg}", flush=True)

    def start(self, port: int) -> None:
        log = open(os.path.join(self.a.run_dir, f"optiscape-{port}.log"), "ab")
        self.procs[port] = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "serve.py"), "--port", str(port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.started[port] = time.monotonic()
        self.log(f"process on port {port}: pid {self.procs[port].pid}")

    def start_nginx(self) -> None:
        conf = render_nginx(
            self.a.nginx_template,
            self.a.run_dir,
            self.a.listen,
            self.ports,
            self.a.per_ip,
            self.a.req_rate,
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run([nginx, "-t", "-q", "-c", conf, "-p", self.a.run_dir], check=True)
        self.nginx = subprocess.Popen(
            [nginx, "-c", conf, "-p", self.a.run_dir, "-g", "daemon off;"], start_new_session=True
        )
        self.log(f"nginx on {self.a.listen}: pid {self.nginx.pid}")

    def write_status(self) -> None:
        status = {
            "listen": self.a.listen,
            "ports": self.ports,
            "restarts": self.restarts,
            "pids": {
                str(p): (pr.pid if pr and pr.poll() is None else None)
                for p, pr in self.procs.items()
            },
            "healthy": {str(p): healthy(p, 0.5) for p in self.ports},
            "nginx": self.nginx.pid if self.nginx and self.nginx.poll() is None else None,
        }
        tmp = os.path.join(self.a.run_dir, "status.json.tmp")
        with open(tmp, "w") as fh:
            json.dump(status, fh)
        os.replace(tmp, os.path.join(self.a.run_dir, "status.json"))

    def check(self) -> None:
        now = time.monotonic()
        for port, p in self.procs.items():
            if p is not None and p.poll() is not None:
                lived = now - self.started.get(port, now)
                self.backoff[port] = 1.0 if lived > 60 else min(self.backoff[port] * 2, 30.0)
                self.due[port] = now + (0.0 if lived > 60 else self.backoff[port] / 2)
                self.log(
                    f"process on port {port} exited ({p.returncode}) after {lived:.0f} s; "
                    f"restart in {self.due[port] - now:.1f} s"
                )
                self.procs[port] = None
                self.restarts += 1
            if self.procs[port] is None and now >= self.due.get(port, 0):
                self.start(port)
        if self.nginx is not None and self.nginx.poll() is not None and not self.stopping:
            self.log(f"nginx exited ({self.nginx.returncode}); starting it again")
            self.start_nginx()

    def stop(self, *_):
        self.stopping = True

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        level = self.env.get("OPTISCAPE_WARM", "all")  # "first": only the default preset
        if level != "none":
            t0 = time.monotonic()
            subprocess.run(
                [sys.executable, os.path.join(HERE, "serve.py"), "--warm-only", "--warm", level],
                cwd=ROOT,
                env=self.env,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.log(f"compile cache {self.a.cache} warmed in {time.monotonic() - t0:.0f} s")
        for port in self.ports:
            self.start(port)
        if self.a.nginx:
            self.start_nginx()
        try:
            while not self.stopping:
                self.check()
                self.write_status()
                time.sleep(0.5)
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        children = [p for p in self.procs.values() if p is not None] + (
            [self.nginx] if self.nginx else []
        )
        for p in children:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM if p is not self.nginx else signal.SIGQUIT)
        deadline = time.monotonic() + 10
        for p in children:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.log("stopped")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--procs", type=int, default=max(1, (os.cpu_count() or 1)))
    ap.add_argument("--listen", default="127.0.0.1:8080", help="nginx's address:port")
    ap.add_argument("--base-port", type=int, default=8601)
    ap.add_argument(
        "--cache",
        default=os.environ.get("OPTISCAPE_JAX_CACHE", os.path.expanduser("~/.cache/optiscape-jax")),
    )
    ap.add_argument("--run-dir", default=os.path.join(tempfile.gettempdir(), "optiscape-deploy"))
    ap.add_argument("--env-file", default=os.path.join(HERE, "streamlit.env"))
    ap.add_argument("--nginx-template", default=os.path.join(HERE, "nginx.conf.template"))
    ap.add_argument("--no-nginx", dest="nginx", action="store_false")
    ap.add_argument(
        "--per-ip",
        type=int,
        default=int(os.environ.get("OPTISCAPE_PER_IP", "64")),
        help="concurrent connections per client address (a classroom behind one NAT address needs "
        "~2 per student)",
    )
    ap.add_argument(
        "--req-rate",
        type=int,
        default=30,
        help="HTTP requests a second per client address (burst 20x)",
    )
    ap.add_argument(
        "--warm", choices=["all", "first", "none"], default=None, help="override OPTISCAPE_WARM"
    )
    a = ap.parse_args(argv)
    a.procs = max(1, min(a.procs, 64))
    Supervisor(a).run()


if __name__ == "__main__":
    main()
