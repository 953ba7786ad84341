"""Copying a SQLite archive into PostgreSQL (`newsradar migrate-db`).

Every table is copied row for row with its ids, in an order that satisfies the foreign
keys, inside one PostgreSQL transaction: a failure leaves the target as it was. The
target must be empty (its schema is created by the usual migrations first); identity
sequences are then moved past the copied ids so new rows do not collide. The search
index (``article_search``) is rebuilt by its trigger as articles arrive.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .db import backend, is_postgres, open_db, write
from .errors import StorageError
from .schema_pg import DERIVED_TABLES, MIGRATIONS_TABLE

# Parents before children; tables not named here follow in alphabetical order.
_ORDER = ("meta", "articles", "article_urls", "stories", "article_fingerprints", "fingerprint_bands",
          "article_versions", "chats", "watchlists", "outbox")
# Rows in any of these mean the target is already in use.
_IN_USE = ("articles", "watchlists", "outbox", "chats", "crawl_runs")


@dataclass
class CopyReport:
    target: str
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows copied, in copy order

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _sqlite_tables(src) -> list[str]:
    """The SQLite tables that hold data (not FTS5's shadow tables, not bookkeeping)."""
    names = []
    for name in src.table_names():
        if name.startswith(("sqlite_", "_sqlite_", "articles_fts")):
            continue
        names.append(name)
    return names


def copy_to_postgres(src, url: str, *, batch: int = 5000) -> CopyReport:
    """Copy everything in the SQLite database ``src`` into the (empty) PostgreSQL database at ``url``."""
    if backend(src) != "sqlite":
        raise StorageError("migrate-db copies from a SQLite database; --db names one already on PostgreSQL.")
    if not is_postgres(url):
        raise StorageError(f"--to must be a postgresql:// URL, not {url!r}.")
    from .pg import redact

    dst = open_db(url)
    try:
        report = CopyReport(redact(url))
        target_tables = set(dst.table_names()) - DERIVED_TABLES - {MIGRATIONS_TABLE}
        tables = _sqlite_tables(src)
        missing = sorted(set(tables) - target_tables)
        if missing:
            raise StorageError(
                f"The PostgreSQL schema has no table {', '.join(missing)}; "
                "this newsradar is older than the archive it is copying."
            )
        busy = [t for t in _IN_USE if dst.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()]
        if busy:
            raise StorageError(
                f"{report.target} already holds data (in {', '.join(busy)}); migrate-db only fills an empty database."
            )
        ordered = [t for t in _ORDER if t in tables] + sorted(t for t in tables if t not in _ORDER)
        with write(dst):
            # meta's counters were created by the target's own migrations: the archive's win.
            dst.execute("DELETE FROM meta")
            for table in ordered:
                report.tables[table] = _copy_table(src, dst, table, batch=batch)
            for table in ordered:
                _reset_identity(dst, table)
        return report
    finally:
        dst.close()


def _copy_table(src, dst, table: str, *, batch: int) -> int:
    src_cols = [c.name for c in src[table].columns]
    dst_cols = {r[0] for r in dst.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ?", [table])}
    extra = [c for c in src_cols if c not in dst_cols]
    if extra:
        raise StorageError(f"The PostgreSQL table {table} has no column {', '.join(extra)}.")
    cols = ", ".join(src_cols)
    order = "id" if "id" in src_cols else "rowid"
    if src[table].use_rowid is False and order == "rowid":
        order = ", ".join(src[table].pks)  # WITHOUT ROWID tables
    copied = 0
    cursor = src.conn.execute(f"SELECT {cols} FROM [{table}] ORDER BY {order}")
    with dst.conn.cursor() as cur:
        with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            while True:
                rows = cursor.fetchmany(batch)
                if not rows:
                    break
                for row in rows:
                    copy.write_row(row)
                copied += len(rows)
    return copied


def _reset_identity(dst, table: str) -> None:
    seq = dst.execute("SELECT pg_get_serial_sequence(?, 'id')", [table]).fetchone() if _has_id(dst, table) else None
    if seq and seq[0]:
        dst.execute(
            f"SELECT setval(?, coalesce((SELECT max(id) FROM {table}), 1), "
            f"(SELECT max(id) FROM {table}) IS NOT NULL)", [seq[0]],
        )


def _has_id(dst, table: str) -> bool:
    return dst.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? AND column_name = 'id'", [table]).fetchone() is not None
