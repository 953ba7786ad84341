"""`newsradar story`: which articles make up a story, and why each one joined it."""
from __future__ import annotations

import click

from storage.stories import story_of

from .cli import State, _emit_json, _friendly, cli


@cli.command()
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the story as a JSON object.")
@click.pass_obj
@_friendly
def story(state: State, article_id: int, as_json: bool) -> None:
    """Show the story ARTICLE_ID belongs to: its members and why each joined."""
    found = story_of(state.open(), article_id)
    if as_json:
        _emit_json(found)
        return
    members = found["members"]
    click.echo(f"Story {found['story_id']}: {len(members)} article{'s' if len(members) != 1 else ''}")
    for m in members:
        mark = "*" if m["id"] == article_id else " "
        click.echo(f"{mark}{m['id']:>6} {m['source']:18} {m['published'] or '?':25} {m['title']}")
        click.echo(f"{'':8}{m['url']}")
        click.echo(f"{'':8}why: {m['why']}")
        for url in m["urls"]:
            click.echo(f"{'':8}also met as: {url}")
        if len(m["versions"]) > 1:
            click.echo(f"{'':8}updated {len(m['versions']) - 1} time(s):")
            for v in m["versions"]:
                click.echo(f"{'':10}{v['modified'] or v['recorded_at']}  {v['title']}")
