"""The Telegram double answers the real python-telegram-bot client like Telegram does."""

import asyncio
import datetime as dtm
import json
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.support import TEST_TOKEN, ApiFailure, TelegramDouble, TelegramDoubleError, check_html
from tests.support import telegram_double  # noqa: F401 - the fixture

REPO = Path(__file__).resolve().parents[1]
CHAT = 4242


def make_bot(double: TelegramDouble, token: str = TEST_TOKEN) -> Bot:
    return Bot(token, base_url=double.base_url, base_file_url=double.base_file_url)


def seconds(retry_after: int | float | dtm.timedelta) -> float:
    # PTB 22 returns an int or a timedelta depending on PTB_TIMEDELTA; accept both.
    if isinstance(retry_after, dtm.timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


async def test_get_me_names_the_configured_bot(telegram_double):
    async with make_bot(telegram_double) as bot:
        me = await bot.get_me()
    assert me.username == "newsradar_test_bot"
    assert me.is_bot and me.id == 123456789
    assert TEST_TOKEN in telegram_double.token_seen
    assert telegram_double.calls[0].method == "getMe"


async def test_send_message_with_html_returns_what_the_user_sees(telegram_double):
    async with make_bot(telegram_double) as bot:
        first = await bot.send_message(
            CHAT, "<b>Modi</b> meets &lt;Takaichi&gt; &amp; <a href=\"https://x.in/a?b=1&amp;c=2\">more</a>",
            parse_mode="HTML",
        )
        second = await bot.send_message(CHAT, "plain")
    assert first.text == "Modi meets <Takaichi> & more"
    assert first.entities[0].type == MessageEntity.BOLD and first.entities[0].length == 4
    assert first.entities[1].url == "https://x.in/a?b=1&c=2"
    assert first.chat.id == CHAT and first.chat.type == "private"
    assert first.from_user.is_bot
    assert second.message_id == first.message_id + 1
    sent = telegram_double.sent(CHAT)
    assert [m["plain_text"] for m in sent] == ["Modi meets <Takaichi> & more", "plain"]
    assert sent[0]["text"].startswith("<b>Modi</b>") and sent[0]["parse_mode"] == "HTML"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("AT&T profits", 'unescaped "&"'),
        ("Modi <b>meets</i> Takaichi", 'expected "</b>", found "</i>"'),
        ("<b>unclosed", 'start tag "b"'),
        ("1 < 2", "Unsupported start tag"),
        ("<span>x</span>", "tg-spoiler"),
    ],
)
async def test_malformed_html_is_a_bad_request(telegram_double, text, reason):
    async with make_bot(telegram_double) as bot:
        with pytest.raises(BadRequest, match="(?i)can't parse entities") as caught:
            await bot.send_message(CHAT, text, parse_mode="HTML")
    assert reason.lower() in str(caught.value).lower()  # PTB recases the first word
    assert telegram_double.sent() == []


async def test_empty_and_overlong_text_are_rejected_like_telegram(telegram_double):
    async with make_bot(telegram_double) as bot:
        with pytest.raises(BadRequest, match="(?i)message text is empty"):
            await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(CHAT, "x" * 4097)
        # The limit counts what the user sees, not the markup around it.
        ok = await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert len(ok.text) == 4096


async def test_rate_limit_surfaces_as_retry_after(telegram_double):
    telegram_double.fail_next("sendMessage", 429, retry_after=7)
    async with make_bot(telegram_double) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(CHAT, "hello")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert seconds(caught.value.retry_after) == 7
        again = await bot.send_message(CHAT, "hello")  # only the next call failed
    assert again.text == "hello"
    assert len(telegram_double.calls_to("sendMessage")) == 2


async def test_fail_for_counts_retry_after_down(telegram_double):
    telegram_double.fail_for("sendMessage", 429, 0.4)
    async with make_bot(telegram_double) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_message(CHAT, "one")
        with pytest.raises(RetryAfter):
            await bot.send_message(CHAT, "two")
        await asyncio.sleep(0.45)
        await bot.send_message(CHAT, "three")
    assert [m["text"] for m in telegram_double.sent()] == ["three"]


async def test_error_json_has_the_bot_api_shape(telegram_double):
    telegram_double.fail_next("sendMessage", 429, retry_after=3)
    async with httpx.AsyncClient() as client:
        url = f"{telegram_double.url}/bot{TEST_TOKEN}/sendMessage"
        limited = await client.post(url, data={"chat_id": "1", "text": "x"})
        blank = await client.post(url, data={"chat_id": "1", "text": ""})
        unknown = await client.post(f"{telegram_double.url}/bot{TEST_TOKEN}/noSuchMethod")
    assert limited.status_code == 429
    assert limited.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert blank.json() == {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
    assert unknown.status_code == 404


async def test_blocked_chat_is_forbidden_until_unblocked(telegram_double):
    telegram_double.block_chat(CHAT)
    async with make_bot(telegram_double) as bot:
        with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
            await bot.send_message(CHAT, "hello")
        await bot.send_message(CHAT + 1, "others still get messages")
        telegram_double.unblock_chat(CHAT)
        await bot.send_message(CHAT, "hello again")
    assert [m["chat_id"] for m in telegram_double.sent()] == [CHAT + 1, CHAT]


async def test_refused_connection_is_a_network_error_then_recovers(telegram_double):
    async with make_bot(telegram_double) as bot:
        await bot.send_message(CHAT, "before")  # leaves a kept-alive connection in the pool
        telegram_double.refuse_connections()
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "during")
        telegram_double.accept_connections()
        await bot.send_message(CHAT, "after")
    assert [m["text"] for m in telegram_double.sent()] == ["before", "after"]


async def test_wrong_token_is_rejected_when_the_double_expects_one():
    with TelegramDouble(token=TEST_TOKEN) as double:
        with pytest.raises(InvalidToken):
            async with make_bot(double, token="111:wrong") as bot:
                await bot.get_me()
        assert "111:wrong" in double.token_seen


async def test_get_updates_long_polls_and_confirms_with_offset(telegram_double):
    async with make_bot(telegram_double) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        waited = time.monotonic() - started
        assert 0.9 <= waited < 2

        timer = threading.Timer(0.2, telegram_double.send_user_message, (CHAT, "hello"))
        timer.start()
        started = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        assert time.monotonic() - started < 2  # answered on arrival, not at the timeout
        assert [u.message.text for u in updates] == ["hello"]

        second = telegram_double.send_user_message(CHAT, "again")
        third = telegram_double.send_user_message(CHAT, "and again")
        limited = await bot.get_updates(offset=updates[0].update_id + 1, limit=1)
        assert [u.update_id for u in limited] == [second]
        rest = await bot.get_updates(offset=second + 1)
        assert [u.update_id for u in rest] == [third]
        await bot.get_updates(offset=third + 1)
    assert telegram_double.pending_updates == 0


async def test_allowed_updates_filters_update_types(telegram_double):
    telegram_double.send_user_message(CHAT, "a message")
    async with make_bot(telegram_double) as bot:
        assert await bot.get_updates(allowed_updates=["callback_query"]) == ()
    assert telegram_double.pending_updates == 0


async def test_a_newer_poll_terminates_the_older_one(telegram_double):
    async with make_bot(telegram_double) as first, make_bot(telegram_double) as second:
        older = asyncio.create_task(first.get_updates(timeout=3))
        await asyncio.to_thread(telegram_double.wait_for_call, "getUpdates", 1, 2)
        assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="(?i)terminated by other getUpdates request"):
            await older


async def test_application_polling_answers_start(telegram_double):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet the user, echoing the arguments."""
        await update.effective_message.reply_text(f"Welcome {' '.join(context.args)}".strip())

    app = (
        Application.builder()
        .token(TEST_TOKEN)
        .base_url(telegram_double.base_url)
        .base_file_url(telegram_double.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        telegram_double.send_user_message(CHAT, "/start")
        telegram_double.send_user_message(-100777, "/start@newsradar_test_bot Modi", chat_type="supergroup")
        telegram_double.send_user_message(-100777, "/start@some_other_bot", chat_type="supergroup")
        await asyncio.to_thread(telegram_double.wait_for_sent, 2, None, 5)
        await app.updater.stop()
        await app.stop()
    assert [(m["chat_id"], m["text"]) for m in telegram_double.sent()] == [
        (CHAT, "Welcome"),
        (-100777, "Welcome Modi"),
    ]
    assert telegram_double.pending_updates == 0


async def test_button_press_reaches_a_callback_handler(telegram_double):
    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Acknowledge the press and replace the buttons' message."""
        await update.callback_query.answer("Muted")
        await update.callback_query.edit_message_text(f"Muted {update.callback_query.data}")

    app = Application.builder().token(TEST_TOKEN).base_url(telegram_double.base_url).build()
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Mute", callback_data="mute:7")]])
        alert = await app.bot.send_message(CHAT, "Modi meets Takaichi", reply_markup=keyboard)
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        with pytest.raises(TelegramDoubleError, match="no button"):
            telegram_double.press_button(CHAT, alert.message_id, "unmute:7")
        telegram_double.press_button(CHAT, alert.message_id, "mute:7")
        for _ in range(100):
            if telegram_double.edits(CHAT):
                break
            await asyncio.sleep(0.02)
        await app.updater.stop()
        await app.stop()
    assert telegram_double.callback_answers()[0]["text"] == "Muted"
    assert telegram_double.edits(CHAT)[0]["text"] == "Muted mute:7"
    shown = telegram_double.message(CHAT, alert.message_id)
    assert shown["text"] == "Muted mute:7" and "reply_markup" not in shown  # edit dropped the keyboard


async def test_edits_and_deletes_follow_telegram_rules(telegram_double):
    telegram_double.send_user_message(CHAT, "from the user")
    async with make_bot(telegram_double) as bot:
        sent = await bot.send_message(CHAT, "draft")
        await bot.edit_message_text("final", chat_id=CHAT, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("final", chat_id=CHAT, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message can't be edited"):
            await bot.edit_message_text("mine now", chat_id=CHAT, message_id=1)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("x" * 10, callback_data="d" * 65)]])
        with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(CHAT, "too much data", reply_markup=keyboard)
        assert await bot.delete_message(CHAT, sent.message_id)
        with pytest.raises(BadRequest, match="(?i)message to delete not found"):
            await bot.delete_message(CHAT, sent.message_id)
    assert [e["plain_text"] for e in telegram_double.edits(CHAT)] == ["final"]
    assert telegram_double.message(CHAT, sent.message_id) is None


async def test_commands_and_chat_members(telegram_double):
    telegram_double.send_user_message(-200, "hi", chat_type="group", user_id=7)
    async with make_bot(telegram_double) as bot:
        await bot.set_my_commands([("watch", "Add a watchlist"), ("list", "Show your watchlists")])
        assert [c.command for c in await bot.get_my_commands()] == ["watch", "list"]
        with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([("Bad-Name", "nope")])
        assert (await bot.get_chat_member(CHAT, CHAT)).status == "creator"
        assert (await bot.get_chat_member(-200, 7)).status == "administrator"
        telegram_double.set_admins(-200, [8], creator=9)
        assert (await bot.get_chat_member(-200, 7)).status == "member"
        admins = await bot.get_chat_administrators(-200)
        assert [(a.user.id, a.status) for a in admins] == [(9, "creator"), (8, "administrator")]
        chat = await bot.get_chat(-200)
        assert chat.type == "group"
        assert await bot.send_chat_action(CHAT, "typing")
    assert telegram_double.commands == [
        {"command": "watch", "description": "Add a watchlist"},
        {"command": "list", "description": "Show your watchlists"},
    ]


@pytest.mark.parametrize("encoding", ["form", "json", "multipart"])
async def test_request_bodies_are_read_in_every_encoding(telegram_double, encoding):
    markup = {"inline_keyboard": [[{"text": "Open", "url": "https://example.in/"}]]}
    fields = {"chat_id": CHAT, "text": "123", "reply_markup": markup, "disable_notification": True}
    as_strings = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
    url = f"{telegram_double.url}/bot{TEST_TOKEN}/sendMessage"
    async with httpx.AsyncClient() as client:
        if encoding == "form":
            answer = await client.post(url, data=as_strings)
        elif encoding == "json":
            answer = await client.post(url, json=fields)
        else:
            answer = await client.post(url, data=as_strings, files={"unused": ("a.txt", b"x")})
    assert answer.json()["ok"] is True
    record = telegram_double.sent()[0]
    assert (record["chat_id"], record["text"], record["reply_markup"]) == (CHAT, "123", markup)
    assert record["disable_notification"] is True


def test_user_messages_carry_the_entities_ptb_needs(telegram_double):
    telegram_double.send_user_message(CHAT, "/watch@newsradar_test_bot Modi + Takaichi https://x.in/a")
    with pytest.raises(TelegramDoubleError, match="private chat"):
        telegram_double.send_user_message(CHAT, "hi", user_id=CHAT + 1)
    with httpx.Client() as client:
        body = client.post(f"{telegram_double.url}/bot{TEST_TOKEN}/getUpdates").json()
    message = body["result"][0]["message"]
    assert message["entities"][0] == {"type": "bot_command", "offset": 0, "length": 25}
    assert message["entities"][1]["type"] == "url"
    assert message["from"]["id"] == CHAT and message["chat"] == {
        "id": CHAT, "type": "private", "first_name": f"User{CHAT}"
    }


def test_check_html_offsets_count_utf16_units():
    plain, entities = check_html("🇮🇳 <b>मोदी</b> &#x27;quote&#39;")
    assert plain == "🇮🇳 मोदी 'quote'"
    assert entities == [{"type": "bold", "offset": 5, "length": 4}]
    with pytest.raises(ApiFailure) as caught:
        check_html("मोदी & Takaichi")
    assert "byte offset 13" in caught.value.description  # Telegram counts UTF-8 bytes


def test_standalone_server_prints_its_url():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.telegram_double", "--port", "0"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("Telegram double listening at http://127.0.0.1:")
        url = first.split()[4]
        process.stdin.write(f"{CHAT} /start\n")
        process.stdin.flush()
        with httpx.Client() as client:
            me = client.get(f"{url}/bot{TEST_TOKEN}/getMe").json()
            assert me["result"]["username"] == "newsradar_test_bot"
            deadline = time.monotonic() + 3
            updates = []
            while not updates and time.monotonic() < deadline:
                updates = client.get(f"{url}/bot{TEST_TOKEN}/getUpdates", params={"timeout": 1}).json()["result"]
        assert updates[0]["message"]["text"] == "/start"
    finally:
        process.terminate()
        process.wait(timeout=5)


async def test_polling_resumes_after_the_server_came_back(telegram_double):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Say hello."""
        await update.effective_message.reply_text("hello")

    app = Application.builder().token(TEST_TOKEN).base_url(telegram_double.base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await asyncio.to_thread(telegram_double.wait_for_call, "getUpdates", 1, 2)
        telegram_double.refuse_connections()
        telegram_double.send_user_message(CHAT, "/start")  # queued while Telegram is unreachable
        await asyncio.sleep(0.3)
        assert telegram_double.sent() == []
        telegram_double.accept_connections()
        await asyncio.to_thread(telegram_double.wait_for_sent, 1, CHAT, 5)
        await app.updater.stop()
        await app.stop()
    assert [m["text"] for m in telegram_double.sent()] == ["hello"]


async def test_flood_limits_answer_429_with_the_wait(telegram_double):
    telegram_double.enforce_flood_limits(global_per_second=30, group_per_minute=3)
    async with make_bot(telegram_double) as bot:
        for n in range(3):
            await bot.send_message(-300, f"alert {n}")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(-300, "one too many")
        await bot.send_message(CHAT, "private chats are not limited per minute")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert 55 <= seconds(caught.value.retry_after) <= 60
    assert len(telegram_double.sent(-300)) == 3


async def test_on_send_hook_can_fail_a_send(telegram_double):
    def third_fails(record: dict) -> None:
        if record["text"] == "third":
            raise ApiFailure(403, "Forbidden: user is deactivated")

    telegram_double.on_send = third_fails
    async with make_bot(telegram_double) as bot:
        for text in ("first", "second"):
            await bot.send_message(CHAT, text)
        with pytest.raises(Forbidden, match="deactivated"):
            await bot.send_message(CHAT, "third")
        fourth = await bot.send_message(CHAT, "fourth")
    assert fourth.message_id == 3  # the failed send used no message id
    assert [m["text"] for m in telegram_double.sent(CHAT)] == ["first", "second", "fourth"]


def test_wait_for_sent_says_what_it_saw(telegram_double):
    with httpx.Client() as client:
        client.post(f"{telegram_double.url}/bot{TEST_TOKEN}/sendMessage", data={"chat_id": CHAT, "text": "only one"})
    assert telegram_double.wait_for_sent(1, CHAT, timeout=0.1)[0]["text"] == "only one"
    with pytest.raises(AssertionError, match=r"at least 2 messages sent to chat 4242 within 0.2s, saw 1: \['only one'\]"):
        telegram_double.wait_for_sent(2, CHAT, timeout=0.2)


async def test_latency_holds_every_answer_back(telegram_double):
    telegram_double.latency = 0.2
    async with make_bot(telegram_double) as bot:
        started = time.monotonic()
        await bot.send_message(CHAT, "slow network")
    assert time.monotonic() - started >= 0.2
