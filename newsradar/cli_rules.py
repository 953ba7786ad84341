"""`newsradar rules test`, `rules alias …` and `newsradar search`: the rule language at the command line."""
from __future__ import annotations

import json
from pathlib import Path

import click

import rules
from storage.aliases import GLOBAL, aliases_for, list_aliases, remove_alias, set_alias

from .cli import State, _emit_json, _friendly, cli, rules_group


def _help_epilog() -> str:
    # "\b" keeps click from re-wrapping the table that rules.help_text() lays out.
    return "\n\n".join("\b\n" + block for block in rules.help_text().split("\n\n"))


rules_group.epilog = _help_epilog()


def _hit_dicts(match: rules.Match) -> list[dict]:
    return [{"term": h.term, "field": h.field, "start": h.start, "end": h.end} for h in match.hits]


def _row_json(row: dict, match: rules.Match) -> dict:
    return {"id": row["id"], "url": row["url"], "source": row["source"], "title": row["title"],
            "published": row["published"], "hits": _hit_dicts(match)}


@rules_group.command("test")
@click.argument("rule")
@click.option("--text", "text", default=None, help="Check the rule against this text instead of the archive.")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Check the rule against this file (title on the first line, body after).")
@click.option("--days", type=float, default=30, show_default=True, help="How far back to look in the archive.")
@click.option("--chat", "chat_id", type=int, default=GLOBAL, help="Use this chat's aliases (default: the global ones).")
@click.option("--limit", type=int, default=10, show_default=True, help="At most this many articles listed.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.pass_obj
@_friendly
def rules_test(state: State, rule: str, text, file, days, chat_id, limit, as_json) -> None:
    """Show what RULE matches: in the stored archive, or in a given text, with why."""
    db = state.open()
    parsed = rules.parse(rule, aliases=aliases_for(db, chat_id))
    if text is not None or file is not None:
        raw = text if text is not None else file.read_text(encoding="utf-8")
        title, _, body = raw.partition("\n") if file is not None else ("", "", raw)
        doc = rules.Document(title=title.strip(), body=body.strip())
        match = parsed.matches(doc)
        if as_json:
            _emit_json({"rule": rule, "canonical": str(parsed.tree), "matches": match is not None,
                        "hits": _hit_dicts(match) if match else []})
            return
        if match is None:
            click.echo(f"No match: the text does not satisfy {parsed.tree}.")
            return
        click.echo(f"Match: {parsed.tree}")
        click.echo("\n".join("  " + line for line in rules.describe_match(match, doc).splitlines()))
        return
    from bot.search import search_archive

    result = search_archive(db, parsed, days=days, limit=limit)
    if as_json:
        _emit_json({"rule": rule, "canonical": str(parsed.tree), "days": days, "total": result.total,
                    "checked": result.checked, "truncated": result.truncated,
                    "articles": [_row_json(r, m) for r, m in result.found]})
        return
    _print_results(result, heading=f"{rule!s} matched {result.total} stored article(s) of the last {days:g} days")


def _print_results(result, *, heading: str) -> None:
    click.echo(heading + (":" if result.found else "."))
    for row, match in result.found:
        terms = ", ".join(sorted({row[h.field][h.start:h.end] for h in match.hits}))
        click.echo(f"  {row['published'] or '?':25} {row['source']:18} {row['title']}")
        click.echo(f"  {'':25} {row['url']}  [{terms}]")
    if result.truncated:
        click.echo(f"(checked the newest {result.checked} candidates only; narrow with --days)")


@cli.command()
@click.argument("query")
@click.option("--days", type=float, default=None, help="Only the last N days (default: the whole archive).")
@click.option("--chat", "chat_id", type=int, default=GLOBAL, help="Use this chat's aliases.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
@_friendly
def search(state: State, query: str, days, chat_id, limit, as_json) -> None:
    """Search the archive; QUERY is written like a rule: 'Takaichi + (chip* OR AI)'."""
    from bot.search import search_archive

    db = state.open()
    parsed = rules.parse(query, aliases=aliases_for(db, chat_id))
    result = search_archive(db, parsed, days=days, limit=limit)
    if as_json:
        _emit_json([_row_json(r, m) for r, m in result.found])
        return
    _print_results(result, heading=f"{result.total} article(s) match")


@rules_group.group("alias")
def alias_group() -> None:
    """Aliases: @name stands for a group of terms in rules."""


@alias_group.command("add")
@click.argument("definition")
@click.option("--chat", "chat_id", type=int, default=GLOBAL,
              help="Only for this chat (default: for everyone).")
@click.pass_obj
@_friendly
def alias_add(state: State, definition: str, chat_id: int) -> None:
    """Define an alias: '@takaichi = Takaichi OR "Sanae Takaichi" OR 高市'."""
    db = state.open()
    name, terms = rules.parse_alias(definition, aliases=aliases_for(db, chat_id))
    new = set_alias(db, name, terms, chat_id=chat_id)
    who = "everyone" if chat_id == GLOBAL else f"chat {chat_id}"
    click.echo(f"{'Defined' if new else 'Redefined'} @{name} for {who}: {terms}")


@alias_group.command("list")
@click.option("--chat", "chat_id", type=int, default=None, help="Only what this chat sees.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
@_friendly
def alias_list(state: State, chat_id, as_json) -> None:
    """List aliases (chat_id 0 means everyone's)."""
    rows = list_aliases(state.open(), chat_id=chat_id)
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        click.echo("No aliases yet.")
    for r in rows:
        who = "everyone" if r["chat_id"] == GLOBAL else f"chat {r['chat_id']}"
        click.echo(f"@{r['name']} = {r['definition']}   ({who})")


@alias_group.command("rm")
@click.argument("name")
@click.option("--chat", "chat_id", type=int, default=GLOBAL, help="The chat's alias (default: the global one).")
@click.pass_obj
@_friendly
def alias_rm(state: State, name: str, chat_id: int) -> None:
    """Remove an alias."""
    remove_alias(state.open(), name, chat_id=chat_id)
    click.echo(f"Removed @{name.lstrip('@')}.")
