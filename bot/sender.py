"""Delivering the outbox to Telegram: claim with a lease, send, record Telegram's message id.

Guarantee: at least once per alert, at most once more after a crash. A row is marked
sent only after Telegram answered; if the process dies between Telegram accepting
the message and our commit, the lease expires and the row is sent again. Telegram's
sendMessage has no idempotency key, so nothing on our side can close that window.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Callable

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from storage.outbox import claim_alerts, fail_pending_for_chat, mark_failed, mark_sent, retry_later
from storage.watchlists import set_chat_active

from .render import render_alert_html, render_alert_text

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=60)
PRIVATE_INTERVAL = 1.0       # Telegram: about one message per second to one private chat
GROUP_INTERVAL = 60 / 20     # and 20 per minute to one group
MAX_BACKOFF = 300.0


class ChatPacer:
    """Spaces messages to each chat by Telegram's per-chat limits (AIORateLimiter does not)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.next_at: dict[int, float] = {}

    def delay(self, chat_id: int) -> float:
        return max(0.0, self.next_at.get(chat_id, 0.0) - self.clock())

    def sent(self, chat_id: int) -> None:
        interval = GROUP_INTERVAL if chat_id < 0 else PRIVATE_INTERVAL
        self.next_at[chat_id] = self.clock() + interval


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(MAX_BACKOFF, 2.0 ** min(attempts, 10)))


class TelegramSender:
    def __init__(self, bot: Bot, db, *, source_titles: dict[str, str] | None = None, batch: int = 30):
        self.bot = bot
        self.db = db
        self.pacer = ChatPacer()
        self.source_titles = source_titles or {}
        self.batch = batch

    async def deliver_once(self) -> int:
        """Send what is due now; returns how many alerts were handled."""
        alerts = claim_alerts(self.db, limit=self.batch, lease=LEASE)
        if not alerts:
            return 0
        pending: dict[int, list[dict]] = {}
        for alert in alerts:
            pending.setdefault(alert["chat_id"], []).append(alert)
        await asyncio.gather(*(self._deliver_chat(chat, items) for chat, items in pending.items()))
        return len(alerts)

    async def _deliver_chat(self, chat_id: int, alerts: list[dict]) -> None:
        for index, alert in enumerate(alerts):
            wait = self.pacer.delay(chat_id)
            if wait:
                await asyncio.sleep(wait)
            outcome = await self._send(alert)
            if outcome == "blocked":
                return
            if outcome == "retry":
                # Keep the chat's order: later alerts wait for the one that failed.
                for later in alerts[index + 1:]:
                    retry_later(self.db, later["id"], delay=dt.timedelta(seconds=1), error="waiting behind a retried alert")
                return

    async def _send(self, alert: dict) -> str:
        text = render_alert_html(alert, source_title=self.source_titles.get(alert["source"]))
        try:
            message = await self.bot.send_message(
                chat_id=alert["chat_id"], text=text, parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            seconds = exc.retry_after if isinstance(exc.retry_after, (int, float)) else exc.retry_after.total_seconds()
            logger.warning("Telegram asked to wait %ss before sending to chat %s", seconds, alert["chat_id"])
            retry_later(self.db, alert["id"], delay=dt.timedelta(seconds=float(seconds)), error=f"rate limited: retry after {seconds}s")
            self.pacer.next_at[alert["chat_id"]] = self.pacer.clock() + float(seconds)
            return "retry"
        except Forbidden as exc:
            logger.warning("chat %s refused the bot (%s); unsubscribing it", alert["chat_id"], exc.message)
            set_chat_active(self.db, alert["chat_id"], False)
            mark_failed(self.db, alert["id"], error=f"forbidden: {exc.message}")
            fail_pending_for_chat(self.db, alert["chat_id"], error=f"forbidden: {exc.message}")
            return "blocked"
        except BadRequest as exc:
            logger.error("Telegram rejected alert %s for chat %s: %s", alert["id"], alert["chat_id"], exc.message)
            mark_failed(self.db, alert["id"], error=f"bad request: {exc.message}")
            return "failed"
        except (NetworkError, TelegramError) as exc:  # 5xx, timeouts, refused connections
            delay = _backoff(alert["attempts"])
            logger.warning("sending alert %s failed (%s); retrying in %.0fs", alert["id"], exc, delay.total_seconds())
            retry_later(self.db, alert["id"], delay=delay, error=f"network: {exc}")
            return "retry"
        mark_sent(self.db, alert["id"], message_id=message.message_id, via="telegram")
        self.pacer.sent(alert["chat_id"])
        return "sent"


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
