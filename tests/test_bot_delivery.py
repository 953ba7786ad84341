"""The outbox sender with the real PTB Bot over real HTTP against the Bot API double:
rendering, pacing, Telegram's failures (429, 5xx, refused connections, 403, 400), story
folding edits, bursts, quiet hours and digests, mutes and paused sources, admin notices."""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time

import pytest
from telegram import Bot

from bot.sender import DeliveryPolicy, TelegramSender
from storage import utcnow, write
from storage.articles import upsert_article
from storage.chat_settings import (
    mute_rule, pause_source, release_held, set_watch_urgent, update_settings,
)
from storage.notices import add_notice
from storage.outbox import enqueue_alert, list_alerts
from storage.watchlists import add_watch, is_subscribed, subscribe
from tests.support import TEST_TOKEN

FAST = DeliveryPolicy(backoff_base=0.25, backoff_max=1.0, lease=dt.timedelta(seconds=20))
_numbers = itertools.count(1)


def add_alert(db, chat_id: int, *, title: str | None = None, source: str = "business-standard",
              rule: str = "Modi + Takaichi", watch_id: int | None = None, published=None) -> int:
    """Store an article and queue its alert for ``chat_id``; returns the outbox id."""
    n = next(_numbers)
    if watch_id is None:
        subscribe(db, chat_id, kind="private" if chat_id > 0 else "group")
        watch_id = add_watch(db, chat_id, rule, name=None)["id"]
    result = upsert_article(db, {
        "url": f"https://www.{source}.example/news/story-{n}.html", "source": source,
        "title": title or f"Modi and Takaichi meet, story {n}",
        "body": "Prime Minister Narendra Modi met Sanae Takaichi in Johannesburg on Saturday.",
        "published": published or dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone.utc),
    })
    with write(db):
        enqueue_alert(db, chat_id=chat_id, article_id=result.article_id, rule_id=watch_id, rule=rule,
                      hits=[{"term": "modi", "field": "body", "start": 24, "end": 28}])
    return db.execute("SELECT id FROM outbox WHERE chat_id = ? AND article_id = ?",
                      [chat_id, result.article_id]).fetchone()[0]


def outbox(db, alert_id: int) -> dict:
    return dict(next(iter(db.query("SELECT * FROM outbox WHERE id = ?", [alert_id]))))


@pytest.fixture
async def bot(telegram_double):
    async with Bot(TEST_TOKEN, base_url=telegram_double.base_url,
                   base_file_url=telegram_double.base_file_url) as client:
        yield client


async def drain(sender: TelegramSender, done, timeout: float = 15.0) -> None:
    """Run delivery rounds until ``done()`` holds."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "delivery did not finish in time"
        if not await sender.deliver_once():
            await asyncio.sleep(0.05)


async def test_alert_is_readable_escaped_and_has_buttons(db, bot, telegram_double):
    update_settings(db, 501, tz="Asia/Kolkata")
    alert_id = add_alert(db, 501, title="Modi & Takaichi <G20> talks")
    sender = TelegramSender(bot, db, source_titles={"business-standard": "Business Standard"}, policy=FAST)
    await drain(sender, lambda: telegram_double.sent(501))
    [msg] = telegram_double.sent(501)
    assert msg["parse_mode"] == "HTML"
    lines = msg["plain_text"].splitlines()
    assert lines[0] == "Modi & Takaichi <G20> talks"
    assert lines[1] == "Business Standard · 22 Nov 2026, 15:00 IST"
    assert "Matched your rule: Modi + Takaichi" in msg["plain_text"]
    link = next(e for e in msg["entities"] if e["type"] == "text_link")
    assert link["url"].startswith("https://www.business-standard.example/news/story-")
    assert any(e["type"] == "bold" for e in msg["entities"])
    buttons = [b["text"] for row in msg["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Mute this rule 24h", "Pause this source"]
    row = outbox(db, alert_id)
    assert (row["status"], row["message_id"]) == ("sent", msg["message_id"])


async def test_retry_after_is_waited_exactly_and_sent_once(db, bot, telegram_double):
    alert_id = add_alert(db, 502)
    telegram_double.fail_next("sendMessage", 429, retry_after=2)
    sender = TelegramSender(bot, db, policy=FAST)
    await drain(sender, lambda: telegram_double.sent(502))
    attempts = [c for c in telegram_double.calls if c.method == "sendMessage"]
    assert len(attempts) == 2 and len(telegram_double.sent(502)) == 1
    waited = attempts[1].time - attempts[0].time
    assert 2.0 <= waited < 2.8, waited
    assert outbox(db, alert_id)["status"] == "sent"


async def test_server_errors_for_a_while_then_every_alert_once(db, bot, telegram_double):
    chats = [511, 512, 513]
    for chat in chats:
        add_alert(db, chat)
    telegram_double.fail_for("sendMessage", 500, seconds=3)
    sender = TelegramSender(bot, db, policy=FAST)
    started = time.monotonic()
    await drain(sender, lambda: all(telegram_double.sent(c) for c in chats), timeout=20)
    assert time.monotonic() - started >= 3
    assert sorted(m["chat_id"] for m in telegram_double.sent()) == chats
    assert [a["status"] for a in list_alerts(db)] == ["sent"] * 3


async def test_refused_connections_then_every_alert_once(db, bot, telegram_double):
    chats = [521, 522]
    for chat in chats:
        add_alert(db, chat)
    telegram_double.refuse_connections()
    sender = TelegramSender(bot, db, policy=FAST)
    await sender.deliver_once()
    assert telegram_double.sent() == []
    assert {a["status"] for a in list_alerts(db)} == {"pending"}
    assert all("network" in (a["error"] or "") or "retry" in (a["error"] or "") for a in list_alerts(db))
    telegram_double.accept_connections()
    await drain(sender, lambda: all(telegram_double.sent(c) for c in chats))
    assert sorted(m["chat_id"] for m in telegram_double.sent()) == chats


async def test_blocked_chat_is_unsubscribed_and_others_still_get_theirs(db, bot, telegram_double):
    blocked = [add_alert(db, 531), add_alert(db, 531)]
    fine = add_alert(db, 532)
    telegram_double.block_chat(531)
    sender = TelegramSender(bot, db, policy=FAST)
    await drain(sender, lambda: telegram_double.sent(532))
    for _ in range(3):
        await sender.deliver_once()
    assert not is_subscribed(db, 531)
    assert [outbox(db, i)["status"] for i in blocked] == ["failed", "failed"]
    assert "blocked by the user" in outbox(db, blocked[0])["error"]
    assert sum(1 for c in telegram_double.calls if c.method == "sendMessage" and c.params["chat_id"] == 531) == 1
    assert outbox(db, fine)["status"] == "sent"


async def test_bad_request_is_recorded_and_not_retried(db, bot, telegram_double):
    alert_id = add_alert(db, 541)
    telegram_double.fail_next("sendMessage", 400, "Bad Request: message is too long")
    sender = TelegramSender(bot, db, policy=FAST)
    for _ in range(3):
        await sender.deliver_once()
    row = outbox(db, alert_id)
    assert row["status"] == "failed" and "message is too long" in row["error"].lower()
    assert telegram_double.sent() == []


async def test_private_chat_gets_at_most_one_message_a_second(db, bot, telegram_double):
    for _ in range(3):
        add_alert(db, 551)
    sender = TelegramSender(bot, db, policy=FAST)
    await drain(sender, lambda: len(telegram_double.sent(551)) == 3)
    times = [m["time"] for m in telegram_double.sent(551)]
    assert all(b - a >= 0.95 for a, b in zip(times, times[1:])), times


async def test_another_outlet_of_the_same_story_edits_the_sent_alert(db, bot, telegram_double):
    first = add_alert(db, 561, title="Modi, Takaichi agree on chips")
    sender = TelegramSender(bot, db, source_titles={"the-hindu": "The Hindu"}, policy=FAST)
    await drain(sender, lambda: telegram_double.sent(561))
    # What the stories engineer's clustering writes when The Hindu carries the same story.
    copy_id = add_alert(db, 561, source="the-hindu", watch_id=outbox(db, first)["rule_id"])
    with write(db):
        db.execute("UPDATE outbox SET status = 'folded', folded_into = ?, story_id = 7 WHERE id = ?", [first, copy_id])
        db.execute("UPDATE outbox SET edit_pending = 1, story_id = 7 WHERE id = ?", [first])
    await drain(sender, lambda: telegram_double.edits(561))
    [edit] = telegram_double.edits(561)
    [msg] = telegram_double.sent(561)
    assert edit["message_id"] == msg["message_id"]
    assert edit["plain_text"].splitlines()[-1] == "Also reported by The Hindu"
    shown = telegram_double.message(561, msg["message_id"])
    assert shown["reply_markup"] == msg["reply_markup"]  # the buttons survive the edit
    assert outbox(db, first)["edit_pending"] == 0
    assert outbox(db, copy_id)["status"] == "folded"
    for _ in range(2):
        await sender.deliver_once()
    assert len(telegram_double.sent(561)) == 1 and len(telegram_double.edits(561)) == 1


async def test_a_burst_becomes_one_summary(db, bot, telegram_double):
    ids = [add_alert(db, 571) for _ in range(8)]
    sender = TelegramSender(bot, db, policy=FAST)
    await drain(sender, lambda: telegram_double.sent(571))
    await sender.deliver_once()
    [msg] = telegram_double.sent(571)
    assert msg["plain_text"].startswith("Many matches at once: 8 stories")
    assert msg["plain_text"].count("•") == 8
    assert {outbox(db, i)["message_id"] for i in ids} == {msg["message_id"]}


async def test_quiet_hours_hold_alerts_but_not_urgent_ones(db, bot, telegram_double):
    now = dt.datetime.now(dt.timezone.utc)
    start = (now - dt.timedelta(hours=1)).strftime("%H:%M")
    end = (now + dt.timedelta(hours=2)).strftime("%H:%M")
    update_settings(db, 581, quiet_start=start, quiet_end=end, tz="UTC")
    held = [add_alert(db, 581), add_alert(db, 581)]
    urgent = add_alert(db, 581, rule="Takaichi")
    set_watch_urgent(db, 581, outbox(db, urgent)["rule_id"], True)
    sender = TelegramSender(bot, db, policy=FAST)
    await drain(sender, lambda: telegram_double.sent(581))
    for _ in range(2):
        await sender.deliver_once()
    assert len(telegram_double.sent(581)) == 1  # only the urgent one
    assert [outbox(db, i)["status"] for i in held] == ["held", "held"]
    release = outbox(db, held[0])["lease_until"]
    assert release[11:16] == end  # held until quiet hours end
    release_held(db, 581)  # as if the quiet hours had ended
    await drain(sender, lambda: len(telegram_double.sent(581)) == 2)
    digest = telegram_double.sent(581)[1]
    assert digest["plain_text"].startswith("While quiet hours were on: 2 stories")


async def test_digest_mode_holds_until_the_digest_time_in_the_chats_zone(db, bot, telegram_double):
    update_settings(db, 591, mode="digest", digest_at="08:00", tz="Asia/Tokyo")
    alert_id = add_alert(db, 591)
    sender = TelegramSender(bot, db, policy=FAST)
    await sender.deliver_once()
    row = outbox(db, alert_id)
    assert row["status"] == "held" and row["error"] == "digest"
    assert row["lease_until"][11:16] == "23:00"  # 08:00 in Tokyo
    assert telegram_double.sent() == []


async def test_muted_rules_and_paused_sources_send_nothing(db, bot, telegram_double):
    muted = add_alert(db, 601)
    mute_rule(db, 601, outbox(db, muted)["rule_id"], utcnow() + dt.timedelta(hours=24))
    paused = add_alert(db, 601, source="the-hindu", rule="Takaichi")
    pause_source(db, 601, "the-hindu")
    sender = TelegramSender(bot, db, policy=FAST)
    await sender.deliver_once()
    assert telegram_double.sent() == []
    assert outbox(db, muted)["status"] == "dropped" and "muted" in outbox(db, muted)["error"]
    assert outbox(db, paused)["status"] == "dropped" and "paused" in outbox(db, paused)["error"]


async def test_admin_notices_arrive_as_plain_text(db, bot, telegram_double):
    add_notice(db, [7001], "Source the-hindu failing: <b>3 errors</b> & counting", key="k1")
    sender = TelegramSender(bot, db, policy=FAST)
    await drain(sender, lambda: telegram_double.sent(7001))
    [msg] = telegram_double.sent(7001)
    assert msg["plain_text"] == "Source the-hindu failing: <b>3 errors</b> & counting"
    assert msg["parse_mode"] is None
