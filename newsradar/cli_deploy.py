"""`newsradar deploy`: build the project egg and upload it to every Scrapyd node."""
from __future__ import annotations

from pathlib import Path

import click

from .cli import State, _emit_json, _friendly, cli
from .config import parse_node_urls


@cli.command()
@click.option("--node", "nodes", multiple=True, metavar="URL",
              help="A Scrapyd node to upload to (repeatable; default: $NEWSRADAR_SCRAPYD_NODES).")
@click.option("--version", "version", default=None, metavar="VERSION",
              help="The egg's version (default: the upload time in seconds, so the newest upload wins).")
@click.option("--egg", "egg_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the egg to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per node.")
@click.pass_obj
@_friendly
def deploy(state: State, nodes: tuple[str, ...], version: str | None, egg_path: Path | None,
           as_json: bool) -> None:
    """Build the project egg and upload it to every Scrapyd node (addversion.json)."""
    from .scrapyd import build_egg, deploy as upload, egg_version

    targets = parse_node_urls(",".join(nodes), what="--node") if nodes else state.config.scrapyd_nodes
    if not targets:
        raise click.UsageError("Say where to deploy: --node URL, or set NEWSRADAR_SCRAPYD_NODES.")
    version = version or egg_version()
    egg = build_egg(version)
    if egg_path is not None:
        egg_path.write_bytes(egg)
    results = upload(list(targets), version=version, egg=egg)
    if as_json:
        _emit_json(results)
    else:
        for r in results:
            if "error" in r:
                click.echo(f"{r['node']}: not deployed: {r['error']}")
            else:
                click.echo(f"{r['node']}: project newsradar version {r['version']}, {r['spiders']} spiders")
    failed = [r for r in results if "error" in r]
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(results)} node(s) did not take the egg; see above.")
