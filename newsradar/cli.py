"""The newsradar command line: a thin click layer over the library.

Every command opens the database named by --db (else NEWSRADAR_DB, else
./newsradar.db), calls one function, and turns our errors into one sentence.
"""
from __future__ import annotations

import asyncio
import json
import sys
from functools import wraps
from pathlib import Path

import click

import rules
from scrapers.registry import SourceError, load_sources, pick_sources
from storage import StorageError, open_db
from storage.aliases import aliases_for
from storage.articles import list_articles
from storage.outbox import list_alerts
from storage.watchlists import add_watch, list_watches, remove_watch

from .config import ConfigError, load_config, parse_duration
from .errors import NewsradarError
from .logs import setup_logging

_USER_ERRORS = (NewsradarError, StorageError, SourceError, rules.RuleError, ConfigError)


def _friendly(fn):
    """Turn the project's errors into one clear sentence and exit status 1."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _USER_ERRORS as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:  # the scrapers' own error types
            if type(exc).__name__ in ("WarcError", "CrawlError", "FeedError", "ExtractionError"):
                raise click.ClickException(str(exc)) from None
            raise
    return wrapper


def _emit_json(rows) -> None:
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))


class State:
    def __init__(self, db: str | None, log_level: str):
        self.config = load_config(db)
        self.log_level = log_level

    def open(self):
        return open_db(self.config.db_path)

    def sources(self):
        return load_sources(self.config.sources_file)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH|URL", default=None,
              help="SQLite database file (or sqlite:///path), or a postgresql:// URL "
                   "(default: $NEWSRADAR_DB, else ./newsradar.db).")
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="How much to log to stderr.")
@click.version_option(package_name="newsradar")
@click.pass_context
def cli(ctx: click.Context, db: str | None, log_level: str) -> None:
    """newsradar: watch Indian, Japanese and wire news; get Telegram alerts for your rules."""
    try:
        ctx.obj = State(db, log_level.upper())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    setup_logging(log_level.upper(), secrets=[ctx.obj.config.token or ""])


# -- sources ----------------------------------------------------------------------
@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--health", is_flag=True, help="Show each source's crawl health instead (as `newsradar status`).")
@click.pass_obj
@_friendly
def sources(state: State, as_json: bool, health: bool) -> None:
    """List the news sources newsradar can crawl."""
    found = state.sources()
    if health:
        from .health import format_table, source_health

        report = source_health(state.open(), list(found))
        if as_json:
            _emit_json([h.to_dict() for h in report])
        else:
            click.echo("\n".join(format_table(report)))
        return
    if as_json:
        _emit_json([s.to_dict() for s in found.values()])
        return
    for s in found.values():
        click.echo(f"{s.name:20} {s.language:3} {s.title} ({s.homepage})")
        for url in s.entry_points:
            mark = "  (unconfirmed)" if url in s.unconfirmed else ""
            click.echo(f"{'':24}{url}{mark}")
        for archive in s.archives:
            mark = "  (unconfirmed)" if archive.url in s.unconfirmed else ""
            click.echo(f"{'':24}backfill, one per {archive.period}: {archive.url}{mark}")


# -- crawl ------------------------------------------------------------------------
@cli.command()
@click.argument("source_names", nargs=-1, metavar="SOURCE...")
@click.option("--all", "all_sources", is_flag=True, help="Crawl every known source.")
@click.option("--since", default=None, metavar="DATE",
              help="Backfill: walk the sources' dated archives from DATE (YYYY-MM-DD) instead of their feeds.")
@click.option("--until", default=None, metavar="DATE",
              help="Backfill up to and including DATE (default: today). Needs --since.")
@click.option("--replay", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Serve every request from this WARC file (a request not in it gets a 404).")
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every response fetched to this WARC file (.warc.gz).")
@click.option("--freshness", default=None, metavar="DURATION",
              help="Alert only on articles published within this window (default: $NEWSRADAR_FRESHNESS or 72h).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy setting, e.g. -s DOWNLOAD_TIMEOUT=5 (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summaries as JSON.")
@click.pass_obj
@_friendly
def crawl(state: State, source_names, all_sources, since, until, replay, record, freshness, overrides,
          as_json) -> None:
    """Crawl sources now: store new articles and queue alerts for matching rules.

    With --since, backfill instead: walk each source's dated sitemaps for the range,
    with a progress line on stderr. Stop it any time; the same command resumes without
    fetching again what is stored. Backfilled articles older than the freshness window
    are stored and searchable, never alerted.
    """
    import datetime as dt

    from scrapers.backfill import BackfillError, Progress, check_backfill, parse_day
    from scrapers.crawl import build_settings, run_crawl

    known = state.sources()
    if all_sources:
        chosen = list(known.values())
    elif source_names:
        chosen = pick_sources(known, list(source_names))
    else:
        raise click.UsageError("Name one or more sources (see `newsradar sources`), or use --all.")
    window = parse_duration(freshness, what="--freshness") if freshness else state.config.freshness
    extra = {"USER_AGENT": f"newsradar/0.1 (+{state.config.contact_url})"} if state.config.contact_url else {}
    for pair in overrides:
        name, sep, value = pair.partition("=")
        if not sep or not name.isupper():
            raise click.UsageError(f"-s takes NAME=VALUE with an upper-case Scrapy setting name, not {pair!r}.")
        extra[name] = value
    backfill = {}
    if until and not since:
        raise click.UsageError("--until needs --since: say where the backfill starts.")
    if since:
        try:
            first = parse_day(since, what="--since")
            last = parse_day(until, what="--until") if until else dt.date.today()
            if all_sources:
                chosen = [s for s in chosen if s.archives]
            check_backfill(chosen, first, last)
        except BackfillError as exc:
            raise click.ClickException(str(exc)) from None
        label = "backfill " + ", ".join(s.name for s in chosen)
        backfill = {"since": first, "until": last, "progress": Progress(sys.stderr, label=label)}
    settings = build_settings(
        state.config.db_path, replay=replay, record=record, freshness=window,
        sources_file=state.config.sources_file, log_level=state.log_level, overrides=extra,
    )
    summaries = run_crawl(chosen, settings, **backfill)
    if as_json:
        _emit_json([s.__dict__ for s in summaries])
    else:
        for s in summaries:
            click.echo(
                f"{s.source}: {s.status}, {s.pages} pages, {s.articles_new} new, "
                f"{s.articles_updated} updated, {s.alerts} alerts, {len(s.errors)} errors"
            )
            for err in s.errors[:10]:
                click.echo(f"  {err['url']}: {err['reason']}")
    if backfill and any(s.status == "interrupted" for s in summaries):
        click.echo("The backfill was interrupted; run the same command again to carry on.", err=True)


# -- rules ------------------------------------------------------------------------
@cli.group("rules")
def rules_group() -> None:
    """Manage watchlist rules outside Telegram."""


@rules_group.command("add")
@click.option("--chat", "chat_id", type=int, required=True, help="Telegram chat id the alerts go to.")
@click.option("--name", default=None, help="A short name shown in alerts.")
@click.argument("rule")
@click.pass_obj
@_friendly
def rules_add(state: State, chat_id: int, name: str | None, rule: str) -> None:
    """Add RULE for a chat (such as "Modi + Takaichi")."""
    db = state.open()
    rules.parse(rule, aliases=aliases_for(db, chat_id))
    saved = add_watch(db, chat_id, rule, name=name, chat_kind="cli" if chat_id == 0 else "private")
    click.echo(f"Added rule {saved['id']} for chat {chat_id}: {rule}")


@rules_group.command("list")
@click.option("--chat", "chat_id", type=int, default=None, help="Only this chat's rules.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
@_friendly
def rules_list(state: State, chat_id: int | None, as_json: bool) -> None:
    """List rules."""
    rows = list_watches(state.open(), chat_id)
    if as_json:
        _emit_json([{"id": r["id"], "chat_id": r["chat_id"], "name": r["name"], "rule": r["rule"],
                     "active": bool(r["active"]), "created_at": r["created_at"]} for r in rows])
        return
    if not rows:
        click.echo("No rules yet. Add one: newsradar rules add --chat CHAT_ID \"Modi + Takaichi\"")
    for r in rows:
        name = f" [{r['name']}]" if r["name"] else ""
        click.echo(f"{r['id']:>4}  chat {r['chat_id']}{name}: {r['rule']}")


@rules_group.command("rm")
@click.argument("rule_id", type=int)
@click.pass_obj
@_friendly
def rules_rm(state: State, rule_id: int) -> None:
    """Remove the rule with id RULE_ID."""
    removed = remove_watch(state.open(), rule_id)
    click.echo(f"Removed rule {removed['id']} of chat {removed['chat_id']}: {removed['rule']}")


# -- alerts and articles ----------------------------------------------------------
ALERT_FIELDS = ("id", "chat_id", "rule_id", "rule", "rule_name", "article_id", "story_id",
                "folded_into", "url", "title", "source", "published", "status", "attempts",
                "created_at", "sent_at", "message_id", "via", "error")


@cli.command()
@click.option("--chat", "chat_id", type=int, default=None, help="Only this chat's alerts.")
@click.option("--status", type=click.Choice(["pending", "sent", "failed", "folded"]), default=None,
              help="Only alerts in this state (folded: later copies of a story already alerted).")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
@_friendly
def alerts(state: State, chat_id, status, limit, as_json) -> None:
    """Show the alert outbox, newest first."""
    rows = list_alerts(state.open(), chat_id=chat_id, status=status, limit=limit)
    if as_json:
        _emit_json([{k: r.get(k) for k in ALERT_FIELDS} for r in rows])
        return
    if not rows:
        click.echo("No alerts yet.")
    for r in rows:
        click.echo(f"{r['id']:>5} {r['status']:8} chat {r['chat_id']} rule {r['rule_id']} ({r['rule']}): {r['title']}")
        folded = f"  (folded into alert {r['folded_into']})" if r.get("folded_into") else ""
        click.echo(f"{'':15}{r['url']}{folded}")


ARTICLE_FIELDS = ("id", "url", "source", "title", "published", "modified", "authors", "section",
                  "language", "extraction", "fetched_at")


@cli.command()
@click.option("--source", default=None, help="Only this source's articles.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
@_friendly
def articles(state: State, source, limit, as_json) -> None:
    """List stored articles, newest first."""
    rows = list_articles(state.open(), source=source, limit=limit)
    if as_json:
        _emit_json([{k: r.get(k) for k in ARTICLE_FIELDS} for r in rows])
        return
    for r in rows:
        click.echo(f"{r['id']:>5} {r['source']:18} {r['published'] or '?':25} {r['title']}")


# -- run and demo -----------------------------------------------------------------
@cli.command()
@click.option("--schedule", "schedule_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="The schedule file (default: ./schedule.yaml).")
@click.option("--replay", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Crawl from this WARC file instead of the network (for tests and demos).")
@click.pass_obj
@_friendly
def run(state: State, schedule_path: Path | None, replay: Path | None) -> None:
    """Run the service: scheduled crawls, alert delivery, and the Telegram bot if a token is set."""
    from .schedule import load_schedule_file
    from .service import serve

    known = state.sources()
    schedule_path = schedule_path or Path("schedule.yaml")
    if not schedule_path.exists():
        raise click.ClickException(
            f"There is no {schedule_path} here; run from the folder that has schedule.yaml, "
            "or pass --schedule FILE."
        )
    jobs = load_schedule_file(schedule_path, known)
    if replay is not None:
        from scrapers.warc import WarcArchive
        WarcArchive(replay)
    titles = {s.name: s.title for s in known.values()}
    crawl_level = "WARNING" if state.log_level == "INFO" else state.log_level
    asyncio.run(serve(state.config, jobs, source_titles=titles, replay=replay, crawl_log_level=crawl_level,
                      schedule_path=schedule_path, known_sources=state.sources))


@cli.command()
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the demo's database and WARC in this folder instead of a temporary one.")
@click.pass_obj
@_friendly
def demo(state: State, keep: Path | None) -> None:
    """Show newsradar working offline: replay a recorded news web and print the alert."""
    from .demo.run import run_demo

    sys.exit(run_demo(keep))


# Commands of other areas live in their own modules and attach themselves to `cli`.
# One import line per module, kept in alphabetical order:
from . import cli_db  # noqa: E402,F401  (migrate-db)
from . import cli_deploy  # noqa: E402,F401  (deploy to Scrapyd nodes)
from . import cli_ops  # noqa: E402,F401  (schedule, status, doctor, backup, upkeep)
from . import cli_rules  # noqa: E402,F401  (rules test, rules alias, search)
from . import cli_sources  # noqa: E402,F401  (extract)
from . import cli_stories  # noqa: E402,F401  (story)


def main() -> None:
    cli(prog_name="newsradar")
