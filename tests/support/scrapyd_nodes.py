"""Real Scrapyd servers on 127.0.0.1 for tests and benchmarks.

Each node gets its own folder (scrapyd.conf, eggs, logs, dbs), its own free port and its
own process group, so a test can kill it the way a machine dies: SIGKILL to the Scrapyd
daemon and the crawl processes it started, with no clean shutdown.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScrapydNode:
    def __init__(self, root: Path, *, max_proc: int = 4, poll_interval: float = 0.2):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.max_proc = max_proc
        self.poll_interval = poll_interval
        self.proc: subprocess.Popen | None = None
        self.log = self.root / "scrapyd.log"

    def start(self, timeout: float = 30) -> "ScrapydNode":
        (self.root / "scrapyd.conf").write_text(
            "[scrapyd]\n"
            "bind_address = 127.0.0.1\n"
            f"http_port = {self.port}\n"
            f"eggs_dir = {self.root / 'eggs'}\n"
            f"logs_dir = {self.root / 'logs'}\n"
            f"dbs_dir = {self.root / 'dbs'}\n"
            f"max_proc = {self.max_proc}\n"
            f"poll_interval = {self.poll_interval}\n"
        )
        with self.log.open("ab") as log:
            # The folder is the working directory: Scrapyd reads ./scrapyd.conf from it.
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "scrapyd", "--pidfile="], cwd=self.root, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
                env={k: v for k, v in os.environ.items() if not k.startswith("SCRAPY")},
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"scrapyd exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if self.get("daemonstatus.json")["status"] == "ok":
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"scrapyd on port {self.port} did not start: {self.log.read_text()[-2000:]}")

    def get(self, endpoint: str) -> dict:
        with urllib.request.urlopen(f"{self.url}/{endpoint}", timeout=5) as resp:
            return json.loads(resp.read())

    def jobs(self, project: str = "newsradar") -> dict:
        return self.get(f"listjobs.json?project={project}")

    def kill(self) -> None:
        """Die like a machine: SIGKILL the daemon and its crawls (its whole process group)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
