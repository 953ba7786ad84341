"""A throwaway PostgreSQL server on loopback for the tests (Debian's packaged binaries).

`.ci/run` may start one itself and export ``NEWSRADAR_TEST_POSTGRES_URL`` (a URL to a
database whose user may CREATE DATABASE); otherwise `PostgresServer.start()` runs
``initdb`` + ``postgres`` in a temporary folder, listening on 127.0.0.1 only, with its
unix socket in that folder. The server refuses to run as root, so as root it runs as
the ``postgres`` user. Durability is off (fsync, full-page writes): it is a test server.

Each test gets its own database (`PostgresServer.new_database`), so tests never see
each other's rows and a migration test starts from nothing.
"""
from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV_URL = "NEWSRADAR_TEST_POSTGRES_URL"


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian layout), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One server; ``url`` points at its maintenance database ``postgres``."""

    def __init__(self, url: str, *, process: subprocess.Popen | None = None, datadir: Path | None = None):
        self.url = url
        self._process = process
        self._datadir = datadir
        self._counter = itertools.count(1)

    @classmethod
    def from_env_or_start(cls) -> "PostgresServer | None":
        url = os.environ.get(ENV_URL)
        if url:
            return cls(url)
        bindir = find_bindir()
        return cls.start(bindir) if bindir else None

    @classmethod
    def start(cls, bindir: Path, *, timeout: float = 30.0) -> "PostgresServer":
        datadir = Path(tempfile.mkdtemp(prefix="newsradar-pg-"))
        prefix: list[str] = []
        user = pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            user = "postgres"
            entry = pwd.getpwnam(user)
            os.chown(datadir, entry.pw_uid, entry.pw_gid)
            prefix = ["runuser", "-u", user, "--"]
        data = datadir / "data"
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", user,
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True,
        )
        port = _free_port()
        process = subprocess.Popen(
            [*prefix, str(bindir / "postgres"), "-D", str(data), "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={datadir}",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=60", "-c", "shared_buffers=32MB"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        url = f"postgresql://{user}@127.0.0.1:{port}/postgres"
        server = cls(url, process=process, datadir=datadir)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
                server._admin("SELECT 1")
                return server
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                    server.stop()
                    raise RuntimeError(f"PostgreSQL did not start: {err[-500:]}")
                time.sleep(0.1)

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)

    def new_database(self, name: str | None = None) -> str:
        """Create an empty database; returns its URL."""
        name = name or f"t{os.getpid()}_{next(self._counter)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop a server this object started (idempotent); a given URL's server is left alone."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()  # smart shutdown is SIGTERM: waits for no one
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._datadir is not None:
            shutil.rmtree(self._datadir, ignore_errors=True)


# -- pytest fixtures (import them into a test module, as with telegram_double) ---------
import pytest  # noqa: E402


_shared: list[PostgresServer] = []


def shared_server() -> PostgresServer | None:
    """One server per test process, however many modules import the fixtures (pytest keeps
    a session fixture per module that defines it); stopped at the session's end, or at exit."""
    if not _shared:
        server = PostgresServer.from_env_or_start()
        if server is None:
            return None
        atexit.register(server.stop)
        _shared.append(server)
    return _shared[0]


@pytest.fixture(scope="session")
def postgres_server():
    """The session's PostgreSQL server; skips when none is installed and none is given."""
    try:
        server = shared_server()
    except (RuntimeError, subprocess.CalledProcessError, KeyError) as exc:
        pytest.skip(f"PostgreSQL could not be started here ({exc})")
    if server is None:
        pytest.skip(f"PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and {ENV_URL} is unset")
    yield server
    server.stop()  # at the session's end (every module's copy of this fixture ends there)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database of its own for one test."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)
