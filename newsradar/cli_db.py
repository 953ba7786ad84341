"""`newsradar migrate-db`: copy the SQLite archive named by --db into PostgreSQL."""
from __future__ import annotations

import click

from storage.migrate import copy_to_postgres

from .cli import State, _emit_json, _friendly, cli
from .config import parse_database


@cli.command("migrate-db")
@click.option("--to", "target", required=True, metavar="URL",
              help="The PostgreSQL database to fill, e.g. postgresql://newsradar@db.example/newsradar.")
@click.option("--json", "as_json", is_flag=True, help="Print what was copied as a JSON object.")
@click.pass_obj
@_friendly
def migrate_db(state: State, target: str, as_json: bool) -> None:
    """Copy every table of the SQLite database (--db) into an empty PostgreSQL database, ids kept."""
    url = parse_database(target, what="--to")
    report = copy_to_postgres(state.open(), str(url))
    if as_json:
        _emit_json({"target": report.target, "rows": report.rows, "tables": report.tables})
        return
    click.echo(f"Copied {report.rows} rows in {len(report.tables)} tables to {report.target}:")
    for table, rows in report.tables.items():
        click.echo(f"  {table:22} {rows:>9}")
    click.echo("Point NEWSRADAR_DB (or --db) at that URL to use it.")
