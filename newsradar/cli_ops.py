"""Operating newsradar for months: `schedule`, `status`, `doctor`, `backup`, `upkeep`.

Each command is a thin layer over newsradar.schedule, .health and .upkeep.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import click

from storage import StorageError, is_postgres, open_db
from storage.db import sqlite_path
from storage.pg import redact

from .cli import State, _emit_json, _friendly, cli
from .config import parse_duration

_SCHEDULE = click.option("--schedule", "schedule_path", type=click.Path(dir_okay=False, path_type=Path),
                         default=Path("schedule.yaml"), show_default=True, help="The schedule file.")


def _load(state: State, schedule_path: Path):
    from .schedule import load_schedule_file

    return load_schedule_file(schedule_path, state.sources())


def redact_target(target) -> str:
    """A database location fit to print: a PostgreSQL URL loses its password."""
    return redact(str(target)) if is_postgres(target) else str(target)


def _db_exists(target) -> bool:
    """A PostgreSQL server is taken as there; a SQLite file must exist."""
    return is_postgres(target) or sqlite_path(target).exists()


def _existing_db(state: State):
    """Open the database for reading commands without creating an empty one by mistake."""
    if not _db_exists(state.config.db_path):
        raise StorageError(f"There is no database at {state.config.db_path} yet; "
                           "`newsradar run` or `newsradar crawl` creates it.")
    return state.open()


@cli.command("schedule")
@_SCHEDULE
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
@_friendly
def schedule_cmd(state: State, schedule_path: Path, as_json: bool) -> None:
    """Check schedule.yaml and print when every job runs next."""
    from .schedule import next_runs
    from .upkeep import last_runs

    schedule = _load(state, schedule_path)
    seen = last_runs(state.open()) if _db_exists(state.config.db_path) else {}
    now = dt.datetime.now(dt.timezone.utc)
    rows = next_runs(schedule, now, seen)
    if as_json:
        _emit_json([{**r, "next_run": r["next_run"].isoformat(timespec="seconds"),
                     "last_run": r["last_run"].isoformat(timespec="seconds") if r["last_run"] else None}
                    for r in rows])
        return
    click.echo(f"{schedule_path}: {len(schedule.jobs)} crawl job(s) and upkeep; "
               f"sources due within {int(schedule.batch.total_seconds())}s share one crawl.")
    for r in rows:
        local = r["next_run"].astimezone()
        when = "now (a slot was missed or it never ran)" if r["next_run"] <= now else local.strftime("%Y-%m-%d %H:%M:%S %Z")
        what = f" [{r['sources']}]" if r["sources"] else ""
        click.echo(f"{r['kind']:7} {r['name']:20} next {when:40} {r['when']}{what}")


@cli.command()
@_SCHEDULE
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_obj
@_friendly
def status(state: State, schedule_path: Path, as_json: bool) -> None:
    """Per-source health (last success, error rate, silence), the outbox and the database."""
    from .health import format_table, source_health
    from .schedule import HealthPolicy

    policy = _load(state, schedule_path).health if schedule_path.exists() else HealthPolicy()
    db = _existing_db(state)
    report = source_health(db, list(state.sources()), policy)
    outbox = dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    notices = dict(db.execute("SELECT status, count(*) FROM notices GROUP BY status").fetchall())
    if is_postgres(db):
        sizes = {"database_bytes": db.execute("SELECT pg_database_size(current_database())").fetchone()[0],
                 "wal_bytes": 0}
    else:
        path = sqlite_path(state.config.db_path)
        wal = path.with_name(path.name + "-wal")
        sizes = {"database_bytes": path.stat().st_size, "wal_bytes": wal.stat().st_size if wal.exists() else 0}
    files = {**sizes, "articles": db.execute("SELECT count(*) FROM articles").fetchone()[0]}
    if as_json:
        _emit_json({"sources": [h.to_dict() for h in report], "outbox": outbox, "notices": notices, **files})
        return
    click.echo("\n".join(format_table(report)))
    click.echo(f"outbox: {outbox.get('pending', 0)} pending, {outbox.get('sent', 0)} sent, "
               f"{outbox.get('failed', 0)} failed; admin notices pending: {notices.get('pending', 0)}")
    click.echo(f"database: {files['articles']} articles, {files['database_bytes'] / 1e6:.1f} MB "
               f"(+{files['wal_bytes'] / 1e6:.1f} MB WAL)")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_obj
@_friendly
def backup(state: State, file: Path, overwrite: bool, as_json: bool) -> None:
    """Copy the live database to FILE with SQLite's online backup API (safe while running)."""
    from .upkeep import backup as backup_db

    result = backup_db(_existing_db(state), file, overwrite=overwrite)
    if as_json:
        _emit_json(result)
        return
    click.echo(f"Backed up {result['articles']} articles to {result['file']} "
               f"({result['bytes'] / 1e6:.1f} MB, {result['seconds']}s).")


@cli.command()
@click.option("--retention", default="365d", show_default=True, metavar="DURATION",
              help="Drop the bodies of articles older than this.")
@click.option("--drop-metadata", is_flag=True,
              help="Delete old articles entirely (row, URLs, search entry) instead of keeping their metadata.")
@click.option("--dry-run", is_flag=True, help="Only count what retention would touch.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_obj
@_friendly
def upkeep(state: State, retention: str, drop_metadata: bool, dry_run: bool, as_json: bool) -> None:
    """Retention, stale crawl runs, PRAGMA optimize and a WAL checkpoint (the daily upkeep job)."""
    from .upkeep import apply_retention, run_upkeep

    window = parse_duration(retention, what="--retention")
    db = _existing_db(state)
    if dry_run:
        report = {"retention": apply_retention(db, window, keep_metadata=not drop_metadata, dry_run=True)}
    else:
        report = run_upkeep(db, retention=window, keep_metadata=not drop_metadata)
    if as_json:
        _emit_json(report)
        return
    r = report["retention"]
    verb = "would drop" if dry_run else ("deleted" if drop_metadata else "dropped the bodies of")
    click.echo(f"Retention: {verb} {r['articles']} article(s) published before {r['cutoff']}.")
    if not dry_run:
        c = report["checkpoint"]
        click.echo(f"Crawl runs marked interrupted: {report['stale_runs']}; PRAGMA optimize done; "
                   f"WAL checkpoint {'busy (readers active)' if c['busy'] else 'complete'}.")


# -- doctor -------------------------------------------------------------------------
@cli.command()
@_SCHEDULE
@click.option("--offline", is_flag=True, help="Skip the network checks (token and sources).")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per network check.")
@click.pass_obj
def doctor(state: State, schedule_path: Path, offline: bool, timeout: float) -> None:
    """Check the configuration, the token, the database and each source; one line each."""
    verdicts = asyncio.run(_doctor(state, schedule_path, offline, timeout))
    width = max(len(name) for _, name, _ in verdicts)
    for mark, name, text in verdicts:
        click.echo(f"{mark:4} {name:{width}}  {text}")
    if any(mark == "FAIL" for mark, _, _ in verdicts):
        raise SystemExit(1)


async def _doctor(state: State, schedule_path: Path, offline: bool, timeout: float) -> list[tuple[str, str, str]]:
    from .errors import NewsradarError
    from .schedule import load_schedule_file

    out: list[tuple[str, str, str]] = []
    config = state.config
    admins = f"{len(config.admins)} admin(s)" if config.admins else "no admins (NEWSRADAR_ADMINS) to tell about failures"
    out.append(("ok", "configuration", f"database {config.db_path}; {admins}; "
                f"bot open to {'everyone' if config.allow_all else f'{len(config.allowed)} chat(s)'}"))
    try:
        known = state.sources()
        out.append(("ok", "sources file", f"{len(known)} sources" +
                    (f" (with {config.sources_file})" if config.sources_file else "")))
    except Exception as exc:  # SourceError: one sentence
        return out + [("FAIL", "sources file", str(exc))]
    scheduled = list(known)
    try:
        schedule = load_schedule_file(schedule_path, known)
        scheduled = sorted({s for job in schedule.jobs for s in job.sources})
        out.append(("ok", "schedule", f"{schedule_path}: {len(schedule.jobs)} crawl job(s) over {len(scheduled)} source(s)"))
    except NewsradarError as exc:
        out.append(("FAIL", "schedule", str(exc)))
    out.extend(_check_database(config.db_path))
    if offline:
        return out + [("skip", "network", "--offline: token and sources not checked")]
    checks = [_check_token(config, timeout)] + [_check_source(known[name], config, timeout) for name in scheduled]
    return out + list(await asyncio.gather(*checks))


def _check_database(path) -> list[tuple[str, str, str]]:
    from storage.schema import MIGRATIONS

    if not _db_exists(path):
        return [("warn", "database", f"{redact_target(path)} does not exist yet; `newsradar run` creates it")]
    try:
        db = open_db(path, migrate=False)
    except StorageError as exc:
        return [("FAIL", "database", str(exc))]
    try:
        if is_postgres(db):
            from storage import schema_pg

            verdict = "ok" if db.execute("SELECT 1").fetchone()[0] == 1 else "no answer"
            pending = schema_pg.pending(db)
        else:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            pending = [m.name for m in MIGRATIONS.pending(db)]
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0] if "articles" in db.table_names() else 0
    except StorageError as exc:
        return [("FAIL", "database", str(exc))]
    finally:
        db.close()
    out = [("ok" if verdict == "ok" else "FAIL", "database",
            f"{redact_target(path)}: integrity {verdict}, {'PostgreSQL' if is_postgres(path) else 'WAL mode'}, {articles} articles")]
    if pending:
        out.append(("warn", "migrations", f"{len(pending)} pending ({', '.join(pending)}); applied at the next start"))
    else:
        out.append(("ok", "migrations", "all applied"))
    return out


async def _check_token(config, timeout: float) -> tuple[str, str, str]:
    if not config.token:
        return ("skip", "telegram", "TELEGRAM_BOT_TOKEN is not set; alerts go to the console")
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.app import build_application

    app = build_application(config, None)
    try:
        async with app.bot:
            me = await asyncio.wait_for(app.bot.get_me(), timeout=timeout)
    except InvalidToken:
        return ("FAIL", "telegram", "Telegram refused the token (getMe answered Unauthorized); copy it again from @BotFather")
    except (NetworkError, asyncio.TimeoutError, OSError) as exc:
        return ("FAIL", "telegram", f"cannot reach the Bot API ({exc.__class__.__name__}: {exc})")
    except TelegramError as exc:
        return ("FAIL", "telegram", f"getMe failed: {exc}")
    return ("ok", "telegram", f"token accepted: the bot is @{me.username}")


async def _check_source(source, config, timeout: float) -> tuple[str, str, str]:
    import httpx

    urls = [*source.feeds, *source.sitemaps]
    agent = f"newsradar/0.1 (+{config.contact_url or 'https://github.com/newsradar/newsradar'})"
    problems, good = [], 0
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=True, headers={"User-Agent": agent}) as client:
        async def probe(url: str) -> None:
            nonlocal good
            try:
                response = await client.get(url)
            except httpx.HTTPError as exc:
                problems.append(f"{url}: {exc.__class__.__name__}")
                return
            if response.status_code >= 400:
                problems.append(f"{url}: HTTP {response.status_code}")
            else:
                good += 1

        await asyncio.gather(*(probe(u) for u in urls))
    took = time.monotonic() - started
    if not problems:
        return ("ok", f"source {source.name}", f"{good}/{len(urls)} feeds and sitemaps answered ({took:.1f}s)")
    mark = "FAIL" if good == 0 else "warn"
    return (mark, f"source {source.name}", f"{good}/{len(urls)} answered; {'; '.join(problems[:3])}")
