"""Delivery benchmark: the real TelegramSender and PTB Bot against the Bot API double.

1. Latency: a writer (its own SQLite connection, as a crawl process has) commits an
   article and its alert; we time until the double receives the sendMessage.
   Target: p95 <= 2 s.
2. Throughput: 1,000 queued alerts across 100 private chats, with the double enforcing
   Telegram's flood limits (30 msg/s overall, 20/min per group) and answering 429 when
   they are broken. Target: at Telegram's limits (about 30 msg/s), with no 429.

Run: /work/venv/bin/python bench/bench_delivery.py [--alerts 1000 --chats 100 --samples 40]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot  # noqa: E402

from bot.sender import DeliveryPolicy, TelegramSender, deliver_forever  # noqa: E402
from storage import open_db, write  # noqa: E402
from storage.articles import upsert_article  # noqa: E402
from storage.outbox import enqueue_alert  # noqa: E402
from storage.watchlists import add_watch  # noqa: E402
from tests.support.telegram_double import TEST_TOKEN, TelegramDouble  # noqa: E402

PUBLISHED = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone.utc)


def commit_alert(db, chat_id: int, watch_id: int, n: int) -> str:
    """What a crawl's pipeline does for one matching article, in one transaction."""
    url = f"https://www.business-standard.example/news/bench-{n}.html"
    with write(db):
        result = upsert_article(db, {
            "url": url, "source": "business-standard", "title": f"Modi and Takaichi, story {n}",
            "body": "Prime Minister Narendra Modi met Sanae Takaichi in Johannesburg on Saturday.",
            "published": PUBLISHED})
        enqueue_alert(db, chat_id=chat_id, article_id=result.article_id, rule_id=watch_id,
                      rule="Modi + Takaichi", hits=[])
    return url


async def latency(db_path: Path, double: TelegramDouble, samples: int) -> list[float]:
    db = open_db(db_path)
    watches = {chat: add_watch(db, chat, "Modi + Takaichi")["id"] for chat in range(1000, 1000 + samples)}
    committed: dict[str, float] = {}

    def writer() -> None:  # the crawl side: another connection, another thread
        wdb = open_db(db_path)
        for i, (chat, watch) in enumerate(watches.items()):
            time.sleep(0.25)
            url = commit_alert(wdb, chat, watch, 100_000 + i)
            committed[url] = time.monotonic()
        wdb.close()

    async with Bot(TEST_TOKEN, base_url=double.base_url) as bot:
        sender = TelegramSender(bot, db)
        stop = asyncio.Event()
        task = asyncio.create_task(deliver_forever(sender, stop))
        thread = threading.Thread(target=writer)
        thread.start()
        while len(double.sent()) < samples:
            await asyncio.sleep(0.05)
        stop.set()
        await task
        thread.join()
    waits = []
    for msg in double.sent():
        url = next(u for u in committed if f'href="{u}"' in msg["text"])
        waits.append(msg["time"] - committed[url])
    db.close()
    return waits


async def throughput(db_path: Path, double: TelegramDouble, alerts: int, chats: int, burst: bool) -> dict:
    db = open_db(db_path)
    ids = list(range(200_000, 200_000 + chats))
    watches = {chat: add_watch(db, chat, "Modi + Takaichi")["id"] for chat in ids}
    for n in range(alerts):  # round-robin over the chats, as matches from many crawls arrive
        chat = ids[n % chats]
        commit_alert(db, chat, watches[chat], (300_000 if burst else 400_000) + n)
    double.enforce_flood_limits()
    before = len(double.sent())
    calls_before = len(double.calls)
    policy = DeliveryPolicy() if burst else DeliveryPolicy(burst_limit=None)
    async with Bot(TEST_TOKEN, base_url=double.base_url) as bot:
        sender = TelegramSender(bot, db, policy=policy)
        started = time.monotonic()
        while db.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'held') AND chat_id >= 200000").fetchone()[0]:
            if not await sender.deliver_once():
                await asyncio.sleep(0.05)
        elapsed = time.monotonic() - started
    sent = double.sent()[before:]
    rejected = sum(1 for c in double.calls[calls_before:] if c.method == "sendMessage") - len(sent)
    times = [m["time"] for m in sent]
    window_max = max(sum(1 for t in times if s <= t < s + 1.0) for s in times) if times else 0
    double.disable_flood_limits()
    db.close()
    return {"messages": len(sent), "seconds": elapsed, "rate": len(sent) / (times[-1] - times[0]) if len(times) > 1 else 0,
            "rejected_429": rejected, "max_in_any_second": window_max}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, TelegramDouble() as double:
        waits = asyncio.run(latency(Path(tmp) / "latency.db", double, args.samples))
        waits.sort()
        p95 = waits[max(0, int(round(0.95 * len(waits))) - 1)]
        print(f"commit -> sendMessage latency over {len(waits)} alerts: p50 {statistics.median(waits):.2f} s, "
              f"p95 {p95:.2f} s, max {waits[-1]:.2f} s (target p95 <= 2 s)")
        raw = asyncio.run(throughput(Path(tmp) / "raw.db", double, args.alerts, args.chats, burst=False))
        print(f"{args.alerts} alerts over {args.chats} chats, one message each: {raw['messages']} messages in "
              f"{raw['seconds']:.1f} s = {raw['rate']:.1f} msg/s; at most {raw['max_in_any_second']} in any 1 s window; "
              f"{raw['rejected_429']} answered 429 (limit 30/s)")
        collapsed = asyncio.run(throughput(Path(tmp) / "burst.db", double, args.alerts, args.chats, burst=True))
        print(f"the same with burst collapsing (default): {collapsed['messages']} messages in "
              f"{collapsed['seconds']:.1f} s; {collapsed['rejected_429']} answered 429")
    return 0


if __name__ == "__main__":
    sys.exit(main())
