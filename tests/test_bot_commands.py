"""The bot's conversations: the real PTB Application polling the Bot API double over HTTP,
a real SQLite file, and (for /crawl) the real crawl launcher on the recorded demo web."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest

from bot.app import build_application, register_commands
from newsradar.config import Config
from storage.articles import upsert_article
from storage.chat_settings import get_settings, muted_rules
from storage.watchlists import list_watches
from tests.support import TEST_TOKEN

ADMIN = 9001
TITLES = {"business-standard": "Business Standard", "the-hindu": "The Hindu"}


@pytest.fixture
def config(db_path):
    return Config(db_path=db_path, token=TEST_TOKEN, admins=frozenset({ADMIN}))


@pytest.fixture
def overrides() -> dict:
    """Config changes for one test (parametrize `overrides` to set them)."""
    return {}


@pytest.fixture
async def chat(db, config, telegram_double, overrides):
    """Start the bot on the double; yields a `say(chat_id, text)` that returns the bot's reply."""
    double = telegram_double
    cfg = dataclasses.replace(config, api_base_url=double.url, **overrides)
    app = build_application(cfg, db, source_titles=TITLES)
    await app.initialize()
    await register_commands(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)

    async def say(chat_id: int, text: str, *, expect: int = 1, **kwargs) -> dict:
        before = len(double.sent(chat_id))
        double.send_user_message(chat_id, text, **kwargs)
        if expect == 0:
            update = double.send_user_message(chat_id, "(noise)", **kwargs)
            await asyncio.to_thread(double.wait_for_confirmed, update, 10)
            return {}
        sent = await asyncio.to_thread(double.wait_for_sent, before + expect, chat_id, 15)
        return sent[-1]

    say.app = app
    yield say
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


def store(db, title: str, body: str, source: str = "business-standard") -> None:
    upsert_article(db, {"url": f"https://{source}.example/{abs(hash(title))}.html", "source": source,
                        "title": title, "body": body,
                        "published": dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone.utc)})


async def test_a_subscriber_session(db, chat, telegram_double):
    store(db, "Modi & Takaichi <G20> talks", "Prime Minister Modi met Takaichi in Johannesburg.")
    store(db, "Takaichi backs chip subsidies", "Japan's prime minister Takaichi spoke on chips.")
    store(db, "Cricket: India win", "Modi congratulated the team.")
    assert {c["command"] for c in telegram_double.commands} >= {
        "start", "stop", "watch", "watches", "unwatch", "test", "search", "sources", "help",
        "mode", "digest", "quiet", "tz"}

    reply = await chat(42, "/start")
    assert reply["plain_text"].startswith("Subscribed.") and len(reply["plain_text"].splitlines()) == 3

    reply = await chat(42, "/watch g20: Modi + Takaichi")
    assert reply["plain_text"] == "Watching rule 1 (g20): Modi + Takaichi"
    reply = await chat(42, "/watch Modi AND (")
    assert reply["plain_text"].startswith("That rule has a problem:") and "\n" not in reply["plain_text"]

    reply = await chat(42, "/watches")
    assert "1. g20: Modi + Takaichi" in reply["plain_text"]
    buttons = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["w:pause:1", "w:del:1", "w:test:1", "w:urgent:1"]

    reply = await chat(42, "/test Modi + Takaichi")
    assert reply["plain_text"].splitlines() == [
        "This rule matches: 1 stored article:", "• Modi & Takaichi <G20> talks — Business Standard · 22 Nov 2026, 09:30 UTC"]
    reply = await chat(42, "/search Takaichi")
    assert reply["plain_text"].startswith("Found: 2 stored articles:")

    reply = await chat(42, "/tz Asia/Kolkata")
    assert reply["plain_text"] == "Saved. Delivery: instant; quiet hours: off; time zone: Asia/Kolkata."
    reply = await chat(42, "/quiet 23:00-07:00")
    assert "quiet hours: 23:00-07:00" in reply["plain_text"]
    reply = await chat(42, "/digest 7:30")
    assert "Delivery: digest at 07:30" in reply["plain_text"]
    reply = await chat(42, "/mode instant")
    assert "Delivery: instant" in reply["plain_text"]
    reply = await chat(42, "/tz Mars/Olympus")
    assert reply["plain_text"] == (
        "'Mars/Olympus' is not a time zone I know; use a name like Asia/Kolkata, Asia/Tokyo or UTC.")
    assert get_settings(db, 42)["tz"] == "Asia/Kolkata"

    reply = await chat(42, "/help rules")
    assert "NEAR/n" in reply["plain_text"]
    reply = await chat(42, "/sources")
    assert "Business Standard business-standard" in reply["plain_text"]

    reply = await chat(42, "/stop")
    assert reply["plain_text"].startswith("Unsubscribed. I deleted this chat's data: 1 rule(s)")
    assert list_watches(db, 42) == [] and db.execute("SELECT count(*) FROM chats").fetchone()[0] == 0


async def test_rule_buttons_pause_and_alert_buttons_mute(db, chat, telegram_double):
    await chat(43, "/watch Modi + Takaichi")
    listing = await chat(43, "/watches")
    telegram_double.press_button(43, listing["message_id"], "w:pause:1")
    await asyncio.to_thread(telegram_double.wait_for_call, "editMessageText", 1, 10)
    assert list_watches(db, 43)[0]["active"] == 0
    shown = telegram_double.message(43, listing["message_id"])
    assert "(paused)" in shown["text"]
    assert shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "w:resume:1"
    # An alert message's "Mute this rule 24h" button.
    from telegram import InlineKeyboardMarkup

    from bot.sender import alert_keyboard
    markup: InlineKeyboardMarkup = alert_keyboard({"rule_id": 1, "source": "the-hindu"})
    msg = await chat.app.bot.send_message(43, "an alert", reply_markup=markup)
    telegram_double.press_button(43, msg.message_id, "mute:1")
    await asyncio.to_thread(telegram_double.wait_for_call, "answerCallbackQuery", 2, 10)
    assert 1 in muted_rules(db, 43)
    assert telegram_double.callback_answers()[-1]["text"] == "Rule 1 muted for 24 hours."


@pytest.mark.parametrize("overrides", [{"allow_all": False, "allowed": frozenset({1})}])
async def test_strangers_get_one_polite_sentence_and_nothing_is_stored(db, chat):
    reply = await chat(77, "/start")
    assert reply["plain_text"] == "Sorry, this newsradar is private; ask its operator to add this chat."
    reply = await chat(77, "/watch Modi")
    assert db.execute("SELECT count(*) FROM chats").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM watchlists").fetchone()[0] == 0


async def test_in_groups_only_admins_change_rules(db, chat, telegram_double):
    group = -1001234
    telegram_double.add_chat(group, "supergroup")
    telegram_double.set_admins(group, [501], creator=500)
    reply = await chat(group, "/watch Modi", user_id=502, chat_type="supergroup")
    assert reply["plain_text"] == "Only this group's admins can change its rules and settings."
    reply = await chat(group, f"/watch@{telegram_double.username} Modi", user_id=501, chat_type="supergroup")
    assert reply["plain_text"].startswith("Watching rule")
    reply = await chat(group, "/watches", user_id=502, chat_type="supergroup")
    assert "Modi" in reply["plain_text"]  # anyone may look


@pytest.mark.parametrize("overrides", [{"commands_per_minute": 3}])
async def test_too_many_commands_are_refused_once_then_ignored(chat, telegram_double):
    for _ in range(3):
        await chat(44, "/settings")
    reply = await chat(44, "/settings")
    assert reply["plain_text"] == "That is a lot of commands; please wait a minute before the next one."
    await chat(44, "/settings", expect=0)
    assert len(telegram_double.sent(44)) == 4


async def test_admin_commands_are_for_admins_only(chat):
    reply = await chat(45, "/status")
    assert reply["plain_text"] == "Only this newsradar's admins can use that command."
    reply = await chat(ADMIN, "/status")
    assert "Outbox:" in reply["plain_text"]
    reply = await chat(ADMIN, "/backfill business-standard 2026-13-01")
    assert reply["plain_text"] == "Those are not calendar dates; write them as YYYY-MM-DD."
    reply = await chat(ADMIN, "/backfill business-standard")
    assert reply["plain_text"] == "Usage: /backfill SOURCE DATE [DATE], dates as YYYY-MM-DD"


async def _crawl_report(double, chat_id: int, timeout: float = 60) -> str:
    """The progress message's text once the crawl has finished editing it."""
    for _ in range(int(timeout * 10)):
        edits = double.edits(chat_id)
        if edits and not edits[-1]["plain_text"].startswith("Crawling "):
            return edits[-1]["plain_text"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"the crawl's report never came; edits: {[e['plain_text'] for e in double.edits(chat_id)]}")


async def test_admin_crawl_reports_in_one_edited_message(db, config, chat, telegram_double, demo_warc):
    from newsradar.service import CrawlLauncher

    chat.app.bot_data["launch_crawl"] = CrawlLauncher(config, replay=demo_warc).launch
    reply = await chat(ADMIN, "/crawl business-standard")
    assert reply["plain_text"] == "Crawling business-standard…"
    final = await _crawl_report(telegram_double, ADMIN)
    assert final.startswith("Crawled business-standard:\n• business-standard: ok"), final
    assert len(telegram_double.sent(ADMIN)) == 1  # progress went into the one message
    times = [e["time"] for e in telegram_double.edits(ADMIN)]
    assert all(b - a >= 1.9 for a, b in zip(times, times[1:-1]))


async def test_channels_where_the_bot_is_admin_can_subscribe(db, chat, telegram_double):
    channel = -1009876
    telegram_double.add_channel_post(channel, "/start", title="Radar channel")
    await asyncio.to_thread(telegram_double.wait_for_sent, 1, channel, 10)
    assert telegram_double.sent(channel)[0]["plain_text"].startswith("Subscribed.")
    telegram_double.add_channel_post(channel, "/watch Takaichi")
    replies = await asyncio.to_thread(telegram_double.wait_for_sent, 2, channel, 10)
    assert replies[1]["plain_text"].startswith("Watching rule")
    assert list_watches(db, channel)[0]["rule"] == "Takaichi"


async def test_admin_backfill_walks_the_dated_archives(db, config, chat, telegram_double, tmp_path):
    from newsradar.service import CrawlLauncher
    from tests.test_sources_replay import build_warc, site_records

    warc = build_warc(tmp_path / "sites.warc.gz", site_records("indian-express"))
    chat.app.bot_data["launch_crawl"] = CrawlLauncher(config, replay=warc).launch
    reply = await chat(ADMIN, "/backfill indian-express 2025-10-30 2025-11-21")
    assert reply["plain_text"] == "Crawling indian-express from 2025-10-30 to 2025-11-21…"
    final = await _crawl_report(telegram_double, ADMIN)
    assert final.startswith("Crawled indian-express from 2025-10-30 to 2025-11-21:"), final
    stored = db.execute("SELECT count(*), min(published_utc) FROM articles WHERE source = 'indian-express'").fetchone()
    assert stored[0] >= 1 and stored[1] < "2025-11-21"
    assert len(telegram_double.sent(ADMIN)) == 1
