"""The pure parts of the bot: alert and digest text, settings parsing, when alerts may go out."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.policy import SettingError, burst_plan, parse_clock, parse_quiet, parse_tz, release_time
from bot.render import TELEGRAM_LIMIT, render_alert_html, render_digest_html
from tests.support import check_html

UTC = dt.timezone.utc
ALERT = {
    "chat_id": 1, "title": "Modi & Takaichi <G20> talks", "url": "https://x.example/a?b=1&c=2",
    "source": "the-hindu", "published": "2026-11-22T09:30:00+00:00", "rule": "Modi + Takaichi",
    "rule_name": "g20", "body": "Prime Minister Modi met Takaichi. " * 3,
    "hits": [{"term": "modi", "field": "body", "start": 15, "end": 19}],
}


def test_alert_text_escapes_web_text_and_bolds_hits():
    plain, entities = check_html(render_alert_html(ALERT, tz="Asia/Tokyo"))
    lines = plain.splitlines()
    assert lines[0] == "Modi & Takaichi <G20> talks"
    assert lines[1] == "the-hindu · 22 Nov 2026, 18:30 JST"
    assert lines[-1] == "Matched your rule: g20"
    bold = next(e for e in entities if e["type"] == "bold")
    assert plain[bold["offset"]:bold["offset"] + bold["length"]] == "Modi"


def test_alert_with_a_huge_story_cluster_stays_under_the_limit():
    also = [{"source": f"outlet-{i}", "url": f"https://o{i}.example/{'x' * 80}"} for i in range(200)]
    text = render_alert_html({**ALERT, "body": "Modi " * 3000}, also=also)
    assert len(text) <= TELEGRAM_LIMIT
    plain, _ = check_html(text)
    assert plain.splitlines()[-1].startswith("Also reported by outlet-0, outlet-1") and plain.endswith("…")


def test_digest_groups_by_rule_and_fits():
    alerts = [{**ALERT, "rule_name": "g20" if i % 2 else "chips", "title": f"Story {i} <&>"} for i in range(300)]
    text = render_digest_html(alerts, heading="Your digest", tz="UTC")
    assert len(text) <= TELEGRAM_LIMIT
    plain, _ = check_html(text)
    assert plain.startswith("Your digest: 300 stories")
    assert "\nchips\n" in plain and plain.rstrip().endswith("more.")


@pytest.mark.parametrize("text, clock", [("08:00", "08:00"), ("8:05", "08:05"), ("20h30", "20:30"), ("7.15", "07:15")])
def test_clock_times(text, clock):
    assert parse_clock(text) == clock


@pytest.mark.parametrize("bad", ["25:00", "8", "noon", "", "08:60"])
def test_bad_clock_times_are_one_sentence(bad):
    with pytest.raises(SettingError, match=r"write it as HH:MM"):
        parse_clock(bad)


def test_quiet_hours_and_zones():
    assert parse_quiet("23:00-07:00") == ("23:00", "07:00")
    assert parse_quiet("off") is None
    with pytest.raises(SettingError, match="START-END"):
        parse_quiet("23:00")
    assert parse_tz("Asia/Kolkata") == "Asia/Kolkata" and parse_tz("utc") == "UTC"
    with pytest.raises(SettingError, match="not a time zone I know"):
        parse_tz("../../etc/passwd")


QUIET = {"mode": "instant", "quiet_start": "23:00", "quiet_end": "07:00", "tz": "Asia/Kolkata"}


@pytest.mark.parametrize("settings, now, urgent, expected", [
    ({"mode": "instant", "tz": "UTC"}, dt.datetime(2026, 11, 22, 3, 0, tzinfo=UTC), False, None),
    # 23:30 IST is inside 23:00-07:00; held until 07:00 IST = 01:30 UTC
    (QUIET, dt.datetime(2026, 11, 22, 18, 0, tzinfo=UTC), False, dt.datetime(2026, 11, 23, 1, 30, tzinfo=UTC)),
    (QUIET, dt.datetime(2026, 11, 22, 18, 0, tzinfo=UTC), True, None),            # urgent breaks through
    (QUIET, dt.datetime(2026, 11, 22, 6, 0, tzinfo=UTC), False, None),            # 11:30 IST
    ({"mode": "digest", "digest_at": "08:00", "tz": "Asia/Tokyo"},
     dt.datetime(2026, 11, 22, 0, 0, tzinfo=UTC), False, dt.datetime(2026, 11, 22, 23, 0, tzinfo=UTC)),
    ({"mode": "digest", "digest_at": "08:00", "tz": "Asia/Tokyo"},
     dt.datetime(2026, 11, 21, 22, 0, tzinfo=UTC), False, dt.datetime(2026, 11, 21, 23, 0, tzinfo=UTC)),
])
def test_release_time(settings, now, urgent, expected):
    assert release_time(settings, now, urgent=urgent) == expected


@pytest.mark.parametrize("recent, due, plan", [
    (0, 1, "each"), (0, 5, "each"), (0, 6, "summary"), (3, 2, "each"), (3, 3, "hold"), (5, 9, "summary"),
])
def test_burst_plan(recent, due, plan):
    assert burst_plan(recent, due) == plan
