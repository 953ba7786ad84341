"""Source health from real crawl_runs and articles rows, and admin notices once per incident."""
from __future__ import annotations

import datetime as dt
import json

from newsradar.health import format_table, notify_incidents, source_health
from newsradar.schedule import HealthPolicy
from storage import utcnow
from storage.articles import upsert_article
from storage.notices import list_notices
from storage.runs import finish_run, start_run
from tests.conftest import run_cli

ADMINS = [9001, 9002]
POLICY = HealthPolicy(failures=3, silent_factor=4, min_silence=dt.timedelta(hours=6))


def _run(db, source: str, ok: bool, new: int = 0, reason: str = "HTTP 403 (forbidden, perhaps a bot wall)") -> int:
    run_id = start_run(db, source)
    finish_run(db, run_id, status="ok" if ok else "failed", pages=new, articles_new=new, articles_updated=0,
               alerts=0, errors=[] if ok else [{"url": f"https://{source}.example/feed", "reason": reason}])
    return run_id


def _articles(db, source: str, hours: list[float], start: dt.datetime) -> None:
    for i, h in enumerate(hours):
        upsert_article(db, {"url": f"https://{source}.example/a{i}", "source": source, "title": f"Story {i}",
                            "body": "Text of the story.", "published": start + dt.timedelta(hours=h)})


def test_states_error_rate_and_articles_per_run(db):
    _run(db, "the-hindu", True, new=4)
    _run(db, "the-hindu", False)
    _run(db, "the-hindu", True, new=2)
    for _ in range(3):
        _run(db, "japan-times", False)
    report = {h.source: h for h in source_health(db, ["the-hindu", "japan-times", "reuters"], POLICY)}
    hindu, japan, reuters = report["the-hindu"], report["japan-times"], report["reuters"]
    assert hindu.state == "ok" and hindu.runs == 3 and hindu.failed_runs == 1
    assert hindu.error_rate == 0.333 and hindu.articles_per_run == 2.0 and hindu.last_success
    assert japan.state == "failing" and japan.failures_in_a_row == 3 and japan.last_success is None
    assert japan.last_error == "HTTP 403 (forbidden, perhaps a bot wall)"
    assert reuters.state == "never run"
    table = format_table(list(report.values()))
    assert table[0].split()[:3] == ["source", "state", "last"]
    assert any(line.startswith("japan-times") and "failing" in line for line in table)
    assert any("last error: HTTP 403" in line for line in table)


def test_a_failure_streak_is_told_to_admins_once(db):
    _run(db, "japan-times", True, new=1)
    first = [_run(db, "japan-times", False) for _ in range(3)][0]
    told = notify_incidents(db, source_health(db, ["japan-times"], POLICY), ADMINS)
    assert len(told) == 1 and "japan-times failed 3 runs in a row" in told[0] and "HTTP 403" in told[0]
    _run(db, "japan-times", False)  # the same streak goes on: nothing new
    interrupted = start_run(db, "japan-times")  # a restart of the service is not the source's fault
    db.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE id = ?", [interrupted])
    db.conn.commit()
    assert source_health(db, ["japan-times"], POLICY)[0].failures_in_a_row == 4
    assert notify_incidents(db, source_health(db, ["japan-times"], POLICY), ADMINS) == []
    notices = list_notices(db)
    assert sorted(n["chat_id"] for n in notices) == ADMINS
    assert {n["key"] for n in notices} == {f"source-failing:japan-times:{first}"}

    _run(db, "japan-times", True, new=2)  # recovered, then a new streak is a new incident
    assert notify_incidents(db, source_health(db, ["japan-times"], POLICY), ADMINS) == []
    for _ in range(3):
        _run(db, "japan-times", False, reason="timed out")
    told = notify_incidents(db, source_health(db, ["japan-times"], POLICY), ADMINS)
    assert len(told) == 1 and "timed out" in told[0]
    assert len(list_notices(db)) == 4


def test_a_source_silent_far_longer_than_usual_is_an_incident(db):
    start = utcnow() - dt.timedelta(hours=12)
    _articles(db, "the-hindu", [0, 1, 2, 3, 4, 5], start)      # one an hour, usually
    _run(db, "the-hindu", True, new=6)
    now = utcnow()
    assert source_health(db, ["the-hindu"], POLICY, now=now)[0].state == "ok"  # 6h floor not reached
    later = now + dt.timedelta(hours=7)
    h = source_health(db, ["the-hindu"], POLICY, now=later)[0]
    assert h.state == "silent" and h.usual_gap_s == 3600 and h.silent_for_s > 7 * 3600
    told = notify_incidents(db, [h], ADMINS)
    assert len(told) == 1 and "no new article for 7h" in told[0] and "usually one every 1h" in told[0]
    assert notify_incidents(db, source_health(db, ["the-hindu"], POLICY, now=later), ADMINS) == []
    # A source with too few articles to know its rhythm is never called silent.
    _articles(db, "ap", [0, 1], start)
    _run(db, "ap", True, new=2)
    assert source_health(db, ["ap"], POLICY, now=later + dt.timedelta(days=30))[0].state == "ok"


def test_without_admins_an_incident_is_logged_once(db, caplog):
    for _ in range(3):
        _run(db, "kyodo", False)
    with caplog.at_level("WARNING", logger="newsradar.health"):
        notify_incidents(db, source_health(db, ["kyodo"], POLICY), [])
        notify_incidents(db, source_health(db, ["kyodo"], POLICY), [])
    incidents = [r for r in caplog.records if "incident source=kyodo" in r.getMessage()]
    assert len(incidents) == 1 and "NEWSRADAR_ADMINS" in incidents[0].getMessage()
    assert list_notices(db) == []


def test_status_and_sources_health_commands(tmp_path, db_path, db):
    _run(db, "the-hindu", True, new=3)
    for _ in range(3):
        _run(db, "japan-times", False)
    out = run_cli("--db", str(db_path), "status", "--schedule", str(tmp_path / "none.yaml"))
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line for line in out.stdout.splitlines() if line and not line.startswith(" ")}
    assert " ok " in rows["the-hindu"] and " failing " in rows["japan-times"]
    assert "outbox: 0 pending" in out.stdout and "database: 0 articles" in out.stdout
    data = json.loads(run_cli("--db", str(db_path), "status", "--json").stdout)
    by = {s["source"]: s for s in data["sources"]}
    assert by["japan-times"]["failures_in_a_row"] == 3 and by["the-hindu"]["articles_per_run"] == 3.0
    assert data["articles"] == 0 and data["database_bytes"] > 0
    health = json.loads(run_cli("--db", str(db_path), "sources", "--health", "--json").stdout)
    assert {h["source"]: h["state"] for h in health}["japan-times"] == "failing"
    missing = run_cli("--db", str(tmp_path / "nothing.db"), "status")
    assert missing.returncode == 1 and "There is no database at" in missing.stderr
    assert not (tmp_path / "nothing.db").exists()
