"""Delivering the outbox to Telegram: claim with a lease, send, record Telegram's message id.

Guarantee: every alert is sent at least once while its chat accepts messages, and after
a crash at most once more. A row is marked sent only after Telegram answered; if the
process dies between Telegram accepting a message and our commit, the lease expires
and the row is sent again. Telegram's sendMessage has no idempotency key, so nothing
on our side can close that window; the lease keeps it to one extra copy.

One round of `TelegramSender.deliver_once`:
  1. held alerts that are due (digest time, end of quiet hours, end of a burst) go out
     as one digest message per chat;
  2. due pending alerts: muted rules and paused sources are dropped, digest mode and
     quiet hours hold, a burst (more than 5 in a minute) becomes one summary, the rest
     go one message each with "Mute this rule 24h" / "Pause this source" buttons;
  3. sent alerts that had other outlets' copies folded in are edited ("Also reported by");
  4. admin notices are sent as plain text.
Pacing: one message a second per private chat, 20 a minute per group, 30 a second
overall (with a small margin so network jitter cannot push a window over Telegram's).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections import deque
from dataclasses import dataclass
from typing import Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from storage import parse_ts, utcnow
from storage.chat_settings import get_settings, muted_rules, paused_sources
from storage.deliveries import (
    claim_chat, claim_due, claim_held, count_due, fail_chat, finish, finish_edit, folded_copies, hold,
    mark_delivered, pending_edits, recent_messages, retry,
)
from storage.notices import claim_notices, mark_notice
from storage.outbox import claim_alerts, mark_sent
from storage.watchlists import set_chat_active

from .policy import BURST_LIMIT, BURST_WINDOW, burst_plan, release_time
from .render import render_alert_html, render_alert_text, render_digest_html

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=60)
HEADINGS = {"digest": "Your digest", "quiet hours": "While quiet hours were on", "burst": "Many matches at once"}


@dataclass(frozen=True)
class DeliveryPolicy:
    """The sender's knobs. Tests shrink the lease and backoff; the rates are Telegram's."""

    lease: dt.timedelta = LEASE
    backoff_base: float = 1.0           # first retry after a 5xx or network error, doubling
    backoff_max: float = 300.0
    max_inline_wait: float = 30.0       # a RetryAfter up to this long is waited out in place
    global_per_second: float = 30.0
    private_interval: float = 1.0
    group_interval: float = 60 / 20
    margin: float = 1.05                # spacing slack over Telegram's exact limits
    burst_limit: int | None = BURST_LIMIT

    def backoff(self, attempts: int) -> dt.timedelta:
        return dt.timedelta(seconds=min(self.backoff_max, self.backoff_base * 2.0 ** max(0, min(attempts - 1, 16))))

    @property
    def batch(self) -> int:
        # Claim no more than can be sent well within one lease at the overall rate.
        return max(10, min(300, int(self.lease.total_seconds() * self.global_per_second / 2)))


class ChatPacer:
    """Spaces messages per chat and overall by Telegram's limits (AIORateLimiter has no per-chat one).

    Per chat, slots are reserved ahead. Overall, the pace is decided at the moment of
    sending, under a lock: a sliding window of ``global_per_second`` sends per
    ``margin`` seconds plus an even spacing. Reserving overall slots ahead is not enough:
    when the event loop stalls (database writes, rendering) overdue sleepers wake
    together and the messages bunch, which Telegram's window counts as a flood.
    """

    def __init__(self, policy: DeliveryPolicy, clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self.clock = clock
        self.next_at: dict[int, float] = {}
        self.next_global = 0.0
        self.window: deque[float] = deque(maxlen=max(1, int(policy.global_per_second)))
        self._lock = asyncio.Lock()

    def interval(self, chat_id: int) -> float:
        base = self.policy.group_interval if chat_id < 0 else self.policy.private_interval
        return base * self.policy.margin

    async def wait(self, chat_id: int) -> None:
        """Reserve the chat's next slot, then wait for room in the overall window."""
        now = self.clock()
        at = max(now, self.next_at.get(chat_id, 0.0))
        self.next_at[chat_id] = at + self.interval(chat_id)
        if at > now:
            await asyncio.sleep(at - now)
        async with self._lock:
            while True:
                now = self.clock()
                gap = self.next_global - now
                if len(self.window) == self.window.maxlen:
                    gap = max(gap, self.window[0] + self.policy.margin - now)
                if gap <= 0:
                    break
                await asyncio.sleep(gap)
            self.window.append(now)
            self.next_global = now + 1.0 / self.policy.global_per_second

    def pause(self, chat_id: int, seconds: float) -> None:
        self.next_at[chat_id] = max(self.next_at.get(chat_id, 0.0), self.clock() + seconds)


def alert_keyboard(alert: dict) -> InlineKeyboardMarkup:
    row = []
    if alert.get("rule_id") is not None:
        row.append(InlineKeyboardButton("Mute this rule 24h", callback_data=f"mute:{alert['rule_id']}"))
    row.append(InlineKeyboardButton("Pause this source", callback_data=f"pause:{alert['source']}"[:64]))
    return InlineKeyboardMarkup([row])


def _retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the type becomes timedelta; take either
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return float(value.total_seconds() if isinstance(value, dt.timedelta) else value)


class _Blocked(Exception):
    """The chat refused the bot (403): stop everything for it."""


class TelegramSender:
    def __init__(self, bot: Bot, db, *, source_titles: dict[str, str] | None = None,
                 policy: DeliveryPolicy | None = None):
        self.bot = bot
        self.db = db
        self.policy = policy or DeliveryPolicy()
        self.pacer = ChatPacer(self.policy)
        self.source_titles = source_titles or {}
        self._edit_retry_at: dict[int, float] = {}

    # -- one round -----------------------------------------------------------------
    async def deliver_once(self) -> int:
        """Send what is due now; returns how many outbox rows and notices were handled."""
        handled = await self._deliver_held()
        handled += await self._deliver_pending()
        handled += await self._deliver_edits()
        handled += await self._deliver_notices()
        return handled

    async def _deliver_pending(self) -> int:
        per_chat = 2  # a few per chat per round: every chat moves while one waits out its pacing
        alerts = claim_due(self.db, limit=self.policy.batch, per_chat=per_chat, lease=self.policy.lease)
        if not alerts:
            return 0
        by_chat: dict[int, list[dict]] = {}
        for alert in alerts:
            by_chat.setdefault(alert["chat_id"], []).append(alert)
        if self.policy.burst_limit:
            for chat_id, items in by_chat.items():
                if len(items) + count_due(self.db, chat_id) > self.policy.burst_limit:
                    # A burst: take the rest of the chat's queue too, for one summary.
                    items += claim_chat(self.db, chat_id, lease=self.policy.lease)
        await asyncio.gather(*(self._guard(chat, self._deliver_chat(chat, items)) for chat, items in by_chat.items()))
        return sum(len(items) for items in by_chat.values())

    async def _deliver_held(self) -> int:
        grouped = claim_held(self.db, lease=self.policy.lease)
        await asyncio.gather(*(self._guard(chat, self._deliver_digest(chat, items)) for chat, items in grouped.items()))
        return sum(len(items) for items in grouped.values())

    async def _guard(self, chat_id: int, job) -> None:
        try:
            await job
        except _Blocked:
            pass

    # -- alerts ----------------------------------------------------------------------
    def _screen(self, chat_id: int, alerts: list[dict]) -> list[dict]:
        """Drop alerts of muted rules and paused sources; return the rest."""
        muted = muted_rules(self.db, chat_id)
        paused = paused_sources(self.db, chat_id)
        keep, dropped = [], {}
        for alert in alerts:
            if alert.get("rule_id") in muted:
                dropped.setdefault(f"rule muted until {muted[alert['rule_id']]}", []).append(alert["id"])
            elif alert["source"] in paused:
                dropped.setdefault(f"source {alert['source']} paused", []).append(alert["id"])
            else:
                keep.append(alert)
        for reason, ids in dropped.items():
            finish(self.db, ids, status="dropped", error=reason)
        return keep

    async def _deliver_chat(self, chat_id: int, alerts: list[dict]) -> None:
        settings = get_settings(self.db, chat_id)
        now = utcnow()
        due = []
        for alert in self._screen(chat_id, alerts):
            until = release_time(settings, now, urgent=bool(alert.get("urgent")))
            if until is None:
                due.append(alert)
            else:
                hold(self.db, [alert["id"]], until=until,
                     reason="digest" if settings.get("mode") == "digest" else "quiet hours")
        if not due:
            return
        plan = "each"
        if self.policy.burst_limit:
            recent = recent_messages(self.db, chat_id, since=now - BURST_WINDOW)
            plan = burst_plan(len(recent), len(due), limit=self.policy.burst_limit)
            if plan == "hold":
                hold(self.db, [a["id"] for a in due], until=parse_ts(recent[0]) + BURST_WINDOW, reason="burst")
                return
        if plan == "summary":
            await self._send_group(chat_id, due, heading=HEADINGS["burst"], tz=settings["tz"])
            return
        for index, alert in enumerate(due):
            if not await self._send_alert(alert, tz=settings["tz"]):
                # Keep the chat's order: later alerts wait for the one that is retried.
                for later in due[index + 1:]:
                    retry(self.db, later["id"], delay=dt.timedelta(seconds=1), error="waiting behind a retried alert")
                return

    async def _deliver_digest(self, chat_id: int, alerts: list[dict]) -> None:
        alerts = self._screen(chat_id, alerts)
        if not alerts:
            return
        tz = get_settings(self.db, chat_id)["tz"]
        if len(alerts) == 1:
            await self._send_alert(alerts[0], tz=tz)
            return
        heading = HEADINGS.get(alerts[0].get("error") or "", "Held alerts")
        await self._send_group(chat_id, alerts, heading=heading, tz=tz)

    async def _send_alert(self, alert: dict, *, tz: str) -> bool:
        """Send one alert as its own message; False when it is to be retried later."""
        also = folded_copies(self.db, alert["id"])
        text = render_alert_html(alert, tz=tz, also=also, source_titles=self.source_titles)
        outcome, value = await self._call(alert["chat_id"], "send_message", text=text,
                                          parse_mode=ParseMode.HTML, reply_markup=alert_keyboard(alert))
        return self._record(outcome, value, [alert], via="telegram", folds={alert["id"]: len(also)})

    async def _send_group(self, chat_id: int, alerts: list[dict], *, heading: str, tz: str) -> bool:
        folds = {a["id"]: len(folded_copies(self.db, a["id"])) for a in alerts}
        text = render_digest_html(alerts, heading=heading, tz=tz, source_titles=self.source_titles)
        outcome, value = await self._call(chat_id, "send_message", text=text, parse_mode=ParseMode.HTML)
        return self._record(outcome, value, alerts, via="telegram-digest", folds=folds)

    def _record(self, outcome: str, value, alerts: list[dict], *, via: str, folds: dict[int, int]) -> bool:
        ids = [a["id"] for a in alerts]
        if outcome == "ok":
            mark_delivered(self.db, ids, message_id=value.message_id, via=via, folds_shown=folds)
            return True
        if outcome == "failed":
            finish(self.db, ids, status="failed", error=f"bad request: {value}")
            return True
        delay = value if isinstance(value, dt.timedelta) else self.policy.backoff(max(a["attempts"] for a in alerts))
        for alert_id in ids:
            retry(self.db, alert_id, delay=delay, error=f"will retry: {outcome}")
        return False

    # -- the one place that talks to Telegram ---------------------------------------------
    async def _call(self, chat_id: int, method: str, **kwargs) -> tuple[str, object]:
        """Call a Bot method with pacing: ("ok", result) | ("failed", reason) | ("retry"|"network", delay?).

        A RetryAfter is waited out exactly, in place, when short; a 403 raises _Blocked
        after unsubscribing the chat.
        """
        kwargs.setdefault("link_preview_options", LinkPreviewOptions(is_disabled=True))
        while True:
            await self.pacer.wait(chat_id)
            try:
                return "ok", await getattr(self.bot, method)(chat_id=chat_id, **kwargs)
            except RetryAfter as exc:
                seconds = _retry_after(exc)
                logger.warning("Telegram asked to wait %ss before sending to chat %s", seconds, chat_id)
                self.pacer.pause(chat_id, seconds)
                if seconds > self.policy.max_inline_wait:
                    return "rate limited", dt.timedelta(seconds=seconds)
                continue  # the pacer now holds this chat for exactly `seconds`
            except Forbidden as exc:
                logger.warning("chat %s refused the bot (%s); unsubscribing it", chat_id, exc.message)
                set_chat_active(self.db, chat_id, False)
                fail_chat(self.db, chat_id, error=f"forbidden: {exc.message}")
                raise _Blocked from None
            except BadRequest as exc:
                logger.error("Telegram rejected a message for chat %s: %s", chat_id, exc.message)
                return "failed", exc.message
            except (NetworkError, TelegramError) as exc:  # 5xx, timeouts, refused connections
                logger.warning("sending to chat %s failed (%s); will retry", chat_id, exc)
                return "network", None

    # -- edits: "also reported by" -------------------------------------------------------
    async def _deliver_edits(self) -> int:
        now = time.monotonic()
        rows = [r for r in pending_edits(self.db) if self._edit_retry_at.get(r["id"], 0) <= now]
        for alert in rows:
            try:
                await self._edit(alert)
            except _Blocked:
                continue
        return len(rows)

    async def _edit(self, alert: dict) -> None:
        also = folded_copies(self.db, alert["id"])
        if alert.get("via") != "telegram" or not alert.get("message_id"):
            # Part of a digest, or printed to a console: nothing to edit in place.
            finish_edit(self.db, alert["id"], folds_shown=len(also))
            return
        tz = get_settings(self.db, alert["chat_id"])["tz"]
        text = render_alert_html(alert, tz=tz, also=also, source_titles=self.source_titles)
        outcome, value = await self._call(
            alert["chat_id"], "edit_message_text", message_id=alert["message_id"], text=text,
            parse_mode=ParseMode.HTML, reply_markup=alert_keyboard(alert),
        )
        if outcome == "ok" or (outcome == "failed" and "not modified" in str(value).lower()):
            finish_edit(self.db, alert["id"], folds_shown=len(also))
            self._edit_retry_at.pop(alert["id"], None)
        elif outcome == "failed":
            finish_edit(self.db, alert["id"], folds_shown=len(also), error=f"edit refused: {value}")
        else:
            wait = value.total_seconds() if isinstance(value, dt.timedelta) else self.policy.backoff(2).total_seconds()
            self._edit_retry_at[alert["id"]] = time.monotonic() + wait

    # -- admin notices ---------------------------------------------------------------------
    async def _deliver_notices(self) -> int:
        notices = claim_notices(self.db, lease=self.policy.lease)
        for notice in notices:
            try:
                # Plain text (no parse mode): whatever the notice says is shown as written.
                outcome, value = await self._call(notice["chat_id"], "send_message", text=notice["text"][:4000])
            except _Blocked:
                mark_notice(self.db, notice["id"], status="failed", error="the chat refused the bot")
                continue
            if outcome == "ok":
                mark_notice(self.db, notice["id"], status="sent")
            elif outcome == "failed":
                mark_notice(self.db, notice["id"], status="failed", error=str(value))
            else:
                delay = value if isinstance(value, dt.timedelta) else self.policy.backoff(notice["attempts"])
                mark_notice(self.db, notice["id"], status="pending", retry_in=delay, error=outcome)
        return len(notices)


class ConsoleSender:
    """Without a Telegram token: print each alert once, and mark it delivered to the console."""

    def __init__(self, db, write: Callable[[str], None] = print):
        self.db = db
        self.write = write

    async def deliver_once(self) -> int:
        alerts = claim_alerts(self.db, limit=100, lease=LEASE)
        for alert in alerts:
            self.write(render_alert_text(alert))
            mark_sent(self.db, alert["id"], message_id=None, via="console")
        return len(alerts)


async def deliver_forever(sender, stop: asyncio.Event, *, idle: float = 0.5) -> None:
    """Poll the outbox until ``stop`` is set; an alert committed by a crawl goes out within ``idle`` s."""
    while not stop.is_set():
        try:
            handled = await sender.deliver_once()
        except Exception:  # one bad batch must not stop delivery for good
            logger.exception("delivering the outbox failed; trying again")
            handled = 0
        if not handled:
            try:
                await asyncio.wait_for(stop.wait(), timeout=idle)
            except asyncio.TimeoutError:
                pass
