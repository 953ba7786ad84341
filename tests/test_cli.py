"""The command line as a user meets it: help everywhere, documented, clear errors, console mode."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import click
import pytest

from newsradar.cli import cli
from tests.conftest import REPO, run_cli


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


def test_every_command_has_help_and_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path, cmd in _commands(cli):
        assert (cmd.help or "").strip(), f"`{' '.join(path)}` has no help text"
        if not isinstance(cmd, click.Group):
            assert f"newsradar {' '.join(path)}" in readme or f"`{' '.join(path)} " in readme, \
                f"`newsradar {' '.join(path)}` is not documented in the README"


def test_readme_test_command_is_what_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    assert "python -m pytest" in readme and "\npython -m pytest\n" in ci


def test_db_option_env_and_default(tmp_path):
    env_db = tmp_path / "env.db"
    assert run_cli("rules", "add", "--chat", "3", "Modi", env={"NEWSRADAR_DB": str(env_db)}).returncode == 0
    assert env_db.exists()
    out = run_cli("--db", str(tmp_path / "opt.db"), "rules", "list", "--json", env={"NEWSRADAR_DB": str(env_db)})
    assert json.loads(out.stdout) == []
    run_cli("rules", "add", "--chat", "3", "Modi", cwd=tmp_path)
    assert (tmp_path / "newsradar.db").exists()


def test_rules_add_list_rm(tmp_path):
    db = ("--db", str(tmp_path / "n.db"))
    assert "Added rule 1" in run_cli(*db, "rules", "add", "--chat", "42", "--name", "g20", 'Modi + "Sanae Takaichi"').stdout
    rows = json.loads(run_cli(*db, "rules", "list", "--json").stdout)
    assert rows == [{"id": 1, "chat_id": 42, "name": "g20", "rule": 'Modi + "Sanae Takaichi"',
                     "active": True, "created_at": rows[0]["created_at"]}]
    assert run_cli(*db, "rules", "rm", "1").returncode == 0
    assert json.loads(run_cli(*db, "rules", "list", "--json").stdout) == []


@pytest.mark.parametrize("args, message", [
    (("rules", "add", "--chat", "1", 'Modi + "Takaichi'), "quote"),
    (("rules", "rm", "99"), "no rule with id 99"),
    (("crawl",), "Name one or more sources"),
    (("crawl", "the-hindu", "--freshness", "soon"), "not a duration"),
    (("crawl", "the-hindu", "-s", "timeout"), "NAME=VALUE"),
])
def test_bad_input_is_one_sentence(tmp_path, args, message):
    out = run_cli("--db", str(tmp_path / "n.db"), *args)
    assert out.returncode != 0
    assert message.lower() in out.stderr.lower()
    assert "Traceback" not in out.stderr


def test_bad_environment_is_one_sentence(tmp_path):
    out = run_cli("--db", str(tmp_path / "n.db"), "sources", env={"NEWSRADAR_FRESHNESS": "three days"})
    assert out.returncode == 1 and "NEWSRADAR_FRESHNESS" in out.stderr and "Traceback" not in out.stderr


def test_sources_json_has_the_documented_fields():
    rows = json.loads(run_cli("sources", "--json").stdout)
    names = {r["name"] for r in rows}
    assert {"business-standard", "the-hindu", "japan-times"} <= names
    for r in rows:
        assert {"name", "homepage", "language", "feeds", "sitemaps"} <= set(r)
        assert all(u.startswith("https://") for u in r["feeds"] + r["sitemaps"])


def test_demo_prints_the_one_alert():
    out = run_cli("demo", timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("ALERT for chat") == 1
    assert "Takaichi" in out.stdout and "business-standard.com/world-news/" in out.stdout


def test_run_without_a_token_prints_alerts_on_the_console(tmp_path, demo_warc):
    db = tmp_path / "n.db"
    run_cli("--db", str(db), "rules", "add", "--chat", "1", "Modi + Takaichi")
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text("jobs:\n  - sources: [business-standard]\n    every: 1h\n")
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsradar", "--db", str(db), "run", "--schedule", str(schedule),
         "--replay", str(demo_warc)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "ALERT for chat 1" in line:
                break
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = "".join(lines) + rest
    assert "TELEGRAM_BOT_TOKEN" in output and "@BotFather" in output
    assert output.count("ALERT for chat 1") == 1
    assert proc.returncode == 0, output[-2000:]
    alerts = json.loads(run_cli("--db", str(db), "alerts", "--json").stdout)
    assert [(a["status"], a["via"]) for a in alerts] == [("sent", "console")]


def test_run_with_a_bad_schedule_names_the_line(tmp_path):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text("jobs:\n  - sources: [business-standard]\n    every: 10m\n  - sources: [nowhere]\n    every: 5m\n")
    out = run_cli("--db", str(tmp_path / "n.db"), "run", "--schedule", str(schedule))
    assert out.returncode == 1
    assert "line 4" in out.stderr and "unknown source 'nowhere'" in out.stderr
