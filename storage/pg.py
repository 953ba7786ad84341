"""The PostgreSQL side of storage: a connection that speaks the same small interface
as the sqlite-utils ``Database`` the rest of newsradar uses.

The storage modules, and the few callers above them, write SQL in SQLite's spelling
(``?`` placeholders, ``INSERT OR IGNORE``, ``INSERT OR REPLACE``, ``cursor.lastrowid``).
`PostgresDatabase.execute` rewrites those few forms for PostgreSQL, so one SQL text
serves both backends; the statements that must differ (claims with ``FOR UPDATE SKIP
LOCKED``, full-text search) ask `storage.db.backend` and say so where they are.

Transactions: the connection is in autocommit mode, so a lone statement commits by
itself, as in SQLite. `transaction()` opens one; with ``serial`` it also takes a
database-wide advisory lock, the equivalent of SQLite's ``BEGIN IMMEDIATE``: writers
that read before they write (upsert, story assignment, rule limits) run one at a time
exactly as they do on SQLite. Claims skip that lock and rely on row locks instead.
"""
from __future__ import annotations

import contextlib
import functools
import re
from typing import Any, Iterator, Sequence
from urllib.parse import urlsplit, urlunsplit

from .errors import StorageError

# An arbitrary, fixed key for pg_advisory_xact_lock: "the write lock" of newsradar.
WRITE_LOCK_KEY = 7_154_021_811


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str):
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a declared dependency
        raise StorageError("PostgreSQL needs the psycopg package: pip install 'newsradar[postgres]'.") from None
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorageError(f"Could not connect to PostgreSQL at {redact(url)} ({reason}).") from None


class Cursor:
    """What callers use of a sqlite3 cursor: rows, ``rowcount`` and ``lastrowid``."""

    def __init__(self, cur, *, lastrowid: int | None = None, rows: list | None = None):
        self._cur = cur
        self.lastrowid = lastrowid
        self.rowcount = cur.rowcount
        self.description = cur.description
        self._rows = rows

    def fetchone(self):
        if self._rows is not None:
            return self._rows.pop(0) if self._rows else None
        return self._cur.fetchone() if self._cur.description is not None else None

    def fetchall(self) -> list:
        if self._rows is not None:
            rows, self._rows = self._rows, []
            return rows
        return self._cur.fetchall() if self._cur.description is not None else []

    def __iter__(self):
        return iter(self.fetchall())


_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+", re.I)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)


def _mask_quotes(sql: str) -> str:
    """``sql`` with the inside of quoted strings and identifiers blanked out, same length."""
    out, quote = [], None
    for ch in sql:
        if quote:
            out.append(ch if ch == quote else " ")
            if ch == quote:
                quote = None
        else:
            out.append(ch)
            if ch in "'\"":
                quote = ch
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _placeholders(sql: str) -> str:
    """``?`` -> ``%s`` and ``%`` -> ``%%`` (psycopg's own placeholder syntax), outside quotes
    for ``?``; a literal ``%`` must be doubled everywhere."""
    masked = _mask_quotes(sql)
    out = []
    for ch, m in zip(sql, masked):
        if ch == "%":
            out.append("%%")
        elif ch == "?" and m == "?":
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def _insert_before_returning(sql: str, clause: str) -> str:
    sql = sql.rstrip().rstrip(";")
    found = list(_RETURNING.finditer(_mask_quotes(sql)))
    if found:
        at = found[-1].start()
        return f"{sql[:at]}{clause} {sql[at:]}"
    return f"{sql} {clause}"


class PostgresDatabase:
    """A PostgreSQL connection with the sqlite-utils ``Database`` methods newsradar uses."""

    backend = "postgresql"

    def __init__(self, url: str):
        self.url = url
        self.conn = connect(url)
        self._depth = 0
        self._serial = False
        self._identity_tables: set[str] | None = None
        self._primary_keys: dict[str, list[str]] = {}

    # -- the sqlite-utils surface -------------------------------------------------
    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        sql, wants_id = self._translate(sql)
        params = _params(parameters)
        cur = self.conn.cursor()
        try:
            cur.execute(sql, params)
        except Exception as exc:
            cur.close()
            self._lost(exc)
            raise
        if wants_id:
            rows = cur.fetchall()
            return Cursor(cur, lastrowid=rows[0][0] if rows else None, rows=[])
        return Cursor(cur)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> None:
        sql, _ = self._translate(sql, want_id=False)
        with self.conn.cursor() as cur:
            cur.executemany(sql, [_params(p) for p in seq])

    def executescript(self, sql: str) -> None:
        """Run several statements (DDL) given as one text, no parameters."""
        self.conn.execute(sql.encode())  # bytes: psycopg does not look for placeholders

    def query(self, sql: str, params: Sequence[Any] | None = None) -> Iterator[dict]:
        from psycopg.rows import dict_row

        sql, _ = self._translate(sql, want_id=False)
        with self.conn.cursor(row_factory=dict_row) as cur:
            try:
                cur.execute(sql, _params(params))
            except Exception as exc:
                self._lost(exc)
                raise
            rows = cur.fetchall() if cur.description is not None else []
        yield from rows

    def _lost(self, exc: Exception) -> None:
        """A dropped connection (server restarted, network gone) is told in one sentence."""
        import psycopg

        if isinstance(exc, psycopg.OperationalError) and self.conn.closed:
            raise StorageError(f"Lost the connection to PostgreSQL at {redact(self.url)} ({exc}).") from None

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()]

    def close(self) -> None:
        self.conn.close()

    # -- transactions ---------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def transaction(self, *, serial: bool = True) -> Iterator["PostgresDatabase"]:
        """One transaction; nested use joins the outer one (taking the write lock if
        the inner one needs it and the outer did not take it)."""
        if self._depth:
            if serial and not self._serial:
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
                self._serial = True
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN")
        self._depth, self._serial = 1, serial
        try:
            if serial:
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
            yield self
        except BaseException:
            self._depth, self._serial = 0, False
            if not self.conn.closed:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self._depth, self._serial = 0, False
            self.conn.execute("COMMIT")

    # -- SQLite spellings -> PostgreSQL --------------------------------------------
    def _translate(self, sql: str, *, want_id: bool = True) -> tuple[str, bool]:
        if sql.lstrip()[:6].upper() == "PRAGMA":
            raise StorageError(
                f"{sql.strip().split('(')[0]} is SQLite's own; it has no meaning on PostgreSQL "
                "(use the server's tools: pg_dump, VACUUM, ANALYZE)."
            )
        wants_id = False
        conflict = None
        m = _INSERT_OR.match(sql)
        if m:
            kind = m.group(1).upper()
            sql = "INSERT INTO " + sql[m.end():]
            if kind == "IGNORE":
                conflict = "ON CONFLICT DO NOTHING"
            else:
                conflict = self._replace_clause(sql)
        if want_id:
            ins = _INSERT_INTO.match(sql)
            if ins and not _RETURNING.search(_mask_quotes(sql)) and ins.group(1).lower() in self._identities():
                wants_id = True
        if conflict:
            sql = _insert_before_returning(sql, conflict)
        if wants_id:
            sql = sql.rstrip().rstrip(";") + " RETURNING id"
        return _placeholders(sql), wants_id

    def _identities(self) -> set[str]:
        if self._identity_tables is None:
            self._identity_tables = {r[0] for r in self.conn.execute(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND column_name = 'id' AND is_identity = 'YES'"
            ).fetchall()}
        return self._identity_tables

    def _replace_clause(self, sql: str) -> str:
        """``INSERT OR REPLACE``: on a primary-key conflict, overwrite the given columns."""
        ins = _INSERT_INTO.match(sql)
        if not ins:
            raise StorageError("INSERT OR REPLACE needs an explicit column list on PostgreSQL.")
        table = ins.group(1).lower()
        cols = [c.strip().strip('"') for c in ins.group(2).split(",")]
        if table not in self._primary_keys:
            self._primary_keys[table] = [r[0] for r in self.conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = %s::regclass AND i.indisprimary", [table],
            ).fetchall()]
        keys = self._primary_keys[table]
        rest = [c for c in cols if c not in keys]
        if not keys:
            raise StorageError(f"INSERT OR REPLACE into {table} needs a primary key on PostgreSQL.")
        if not rest:
            return f"ON CONFLICT ({', '.join(keys)}) DO NOTHING"
        sets = ", ".join(f"{c} = excluded.{c}" for c in rest)
        return f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"

    def forget_schema(self) -> None:
        """Drop cached table facts (after migrations changed them)."""
        self._identity_tables = None
        self._primary_keys.clear()


def _params(parameters) -> list:
    if parameters is None:
        return []
    if isinstance(parameters, dict):
        raise StorageError("Named SQL parameters are not supported on PostgreSQL; use ? placeholders.")
    # SQLite stores booleans as 0/1 in INTEGER columns; PostgreSQL would refuse a boolean there.
    return [int(p) if isinstance(p, bool) else p for p in parameters]
