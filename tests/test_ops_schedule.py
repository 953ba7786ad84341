"""schedule.yaml: what a operator writes, what errors they get, and when jobs run."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scrapers.registry import load_sources
from newsradar.errors import ScheduleError
from newsradar.schedule import (
    DEFAULT_UPKEEP, CrawlJob, next_runs, parse_schedule, parse_schedule_file,
)
from tests.conftest import REPO, run_cli

KNOWN = {"business-standard", "the-hindu", "japan-times"}
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 2, 10, 0, 7, tzinfo=UTC)

FULL = """\
timezone: Asia/Kolkata
batch: 45s
jobs:
  - name: india
    sources: [business-standard, the-hindu]
    every: 10m
    jitter: 30s
  - sources: japan-times
    cron: "*/15 6-23 * * *"
    timezone: Asia/Tokyo
    timeout: 5m
upkeep:
  cron: "30 3 * * *"
  retention: 90d
  keep_metadata: false
  backup: /srv/backups/news-{date}.db
health:
  failures: 2
  silent_factor: 3
  min_silence: 2h
"""


def test_a_full_schedule_reads_as_written():
    s = parse_schedule_file(FULL, KNOWN)
    assert [j.name for j in s.jobs] == ["india", "japan-times"]
    india, japan = s.jobs
    assert india.sources == ("business-standard", "the-hindu") and india.every == dt.timedelta(minutes=10)
    assert india.jitter == dt.timedelta(seconds=30) and india.timezone == "Asia/Kolkata"
    assert japan.cron == "*/15 6-23 * * *" and japan.timezone == "Asia/Tokyo"
    assert japan.timeout == dt.timedelta(minutes=5) and japan.line == 8
    assert s.batch == dt.timedelta(seconds=45)
    assert s.upkeep.retention == dt.timedelta(days=90) and s.upkeep.keep_metadata is False
    assert str(s.upkeep.backup) == "/srv/backups/news-{date}.db"
    assert (s.health.failures, s.health.silent_factor, s.health.min_silence) == (2, 3.0, dt.timedelta(hours=2))


def test_the_bundled_schedule_is_valid_and_upkeep_has_a_default():
    s = parse_schedule_file((REPO / "schedule.yaml").read_text(), load_sources())
    assert s.jobs and s.upkeep.retention == dt.timedelta(days=365) and s.upkeep.keep_metadata
    assert parse_schedule_file("jobs:\n  - sources: [the-hindu]\n    every: 5m\n", KNOWN).upkeep == DEFAULT_UPKEEP
    assert parse_schedule((REPO / "schedule.yaml").read_text(), load_sources()) == s.jobs


@pytest.mark.parametrize("text, expected", [
    ("jobs:\n  - sources: [nowhere]\n    every: 5m\n", "line 2: unknown source 'nowhere'"),
    ("jobs:\n  - sources: [the-hindu]\n    every: 5m\n    evry: 5m\n", "line 2: unknown key evry"),
    ("jobs:\n  - sources: [the-hindu]\n", "line 2: give exactly one of 'every'"),
    ("jobs:\n  - sources: [the-hindu]\n    every: 5m\n    cron: '* * * * *'\n", "line 2: give exactly one"),
    ("jobs:\n  - sources: [the-hindu]\n    every: soon\n", "line 2: 'every' 'soon' is not a duration"),
    ("jobs:\n  - sources: [the-hindu]\n    cron: '*/15 6-23 * *'\n", "line 2: cron '*/15 6-23 * *' must have 5 fields"),
    ("jobs:\n  - sources: [the-hindu]\n    cron: '61 * * * *'\n", "line 2: cron '61 * * * *' is not a valid"),
    ("jobs:\n  - sources: [the-hindu]\n    every: 5m\n    timezone: Mars/Olympus\n", "line 2: unknown time zone 'Mars/Olympus'"),
    ("jobs:\n  - sources: [the-hindu]\n    every: 5m\n  - sources: [the-hindu]\n    every: 9m\n",
     "line 4: a job named 'the-hindu' already exists"),
    ("jobs:\n  - sources: [the-hindu]\n    every: 5m\nupkeep:\n  cron: '0 3 * * *'\n  keep_metadata: maybe\n",
     "line 5: 'keep_metadata' must be true or false"),
    ("jobs:\n  - sources: [the-hindu]\n    every: 5m\nhealth:\n  failures: 0\n", "line 5: 'failures' must be"),
    ("jobs:\n  - sources: [the-hindu]\n    every: 5m\ndigests:\n  - cron: '0 8 * * *'\n", "each chat sets its own digest time"),
    ("jobs:\n  - sources: [the-hindu]\n    every: 5m\nbatchh: 3s\n", "unknown top-level key batchh"),
    ("jobs: []\n", "'jobs' is empty"),
    ("jobs:\n  - sources: [the-hindu\n", "not valid YAML"),
])
def test_mistakes_are_one_sentence_naming_the_line(text, expected):
    with pytest.raises(ScheduleError) as err:
        parse_schedule_file(text, KNOWN, origin="schedule.yaml")
    assert expected in str(err.value)
    assert str(err.value).startswith("schedule.yaml") and "\n" not in str(err.value)


def _job(**kw) -> CrawlJob:
    base = dict(name="j", sources=("the-hindu",), every=dt.timedelta(minutes=10), cron=None, timezone="UTC",
                jitter=dt.timedelta(0), timeout=dt.timedelta(minutes=15), line=1)
    return CrawlJob(**{**base, **kw})


def test_missed_slots_after_downtime_coalesce_into_one_run_now():
    job = _job()
    assert job.first_run(None, NOW) == NOW                                   # never ran
    assert job.first_run(NOW - dt.timedelta(hours=9), NOW) == NOW           # 54 slots missed: one run
    assert job.first_run(NOW - dt.timedelta(minutes=4), NOW) == NOW + dt.timedelta(minutes=6)


def test_cron_jobs_run_at_their_next_slot_in_their_own_time_zone():
    job = _job(every=None, cron="*/15 6-23 * * *", timezone="Asia/Kolkata")
    # 10:00 UTC is 15:30 in Kolkata: ran at 15:30, next at 15:45 local.
    assert job.first_run(NOW - dt.timedelta(seconds=7), NOW) == dt.datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    # Down overnight since 23:45 local: the 06:00.. slots were missed, so one run now.
    assert job.first_run(NOW - dt.timedelta(hours=10), NOW) == NOW
    assert job.gap(NOW) == dt.timedelta(minutes=15)
    night = _job(every=None, cron="0 3 * * *", timezone="UTC")
    assert night.next_after(NOW) == dt.datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


def test_jitter_is_applied_to_the_trigger_but_not_to_predictions():
    job = _job(jitter=dt.timedelta(seconds=30))
    assert job.trigger().jitter == 30 and job.trigger(with_jitter=False).jitter is None


def test_next_runs_lists_every_job_soonest_first():
    s = parse_schedule_file(FULL, KNOWN)
    last = {"business-standard": NOW - dt.timedelta(minutes=2), "the-hindu": NOW - dt.timedelta(minutes=3),
            "japan-times": NOW - dt.timedelta(seconds=5), "upkeep:upkeep": NOW - dt.timedelta(hours=2)}
    rows = next_runs(s, NOW, last)
    assert [r["name"] for r in rows] == ["india", "japan-times", "upkeep"]
    by = {r["name"]: r for r in rows}
    assert by["india"]["next_run"] == NOW + dt.timedelta(minutes=7)      # the older of its two sources
    assert by["japan-times"]["next_run"] == dt.datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    assert by["upkeep"]["next_run"] == dt.datetime(2026, 3, 2, 22, 0, tzinfo=UTC)  # 03:30 Kolkata


def test_schedule_command_prints_each_job(tmp_path: Path):
    path = tmp_path / "schedule.yaml"
    path.write_text(FULL)
    out = run_cli("--db", str(tmp_path / "n.db"), "schedule", "--schedule", str(path))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "2 crawl job(s)" in lines[0] and "45s" in lines[0]
    assert any(line.startswith("crawl") and "india" in line and "every 10m, jitter 30s" in line for line in lines)
    assert any(line.startswith("upkeep") for line in lines)
    assert not (tmp_path / "n.db").exists()  # looking at the schedule creates no database

    path.write_text("jobs:\n  - sources: [nowhere]\n    every: 5m\n")
    bad = run_cli("schedule", "--schedule", str(path))
    assert bad.returncode == 1 and "line 2: unknown source 'nowhere'" in bad.stderr
    assert "Traceback" not in bad.stderr
