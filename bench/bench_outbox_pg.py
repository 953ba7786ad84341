"""Outbox claims per second with concurrent senders: PostgreSQL beside SQLite, in one run.

Each sender is its own process with its own connection, doing what a sender does to the
database for every batch, with no Telegram (this measures the database): either
`claim_due` (the bot's fair claim: up to --batch due alerts, at most 2 per chat) then
`mark_delivered` per alert, or `claim_alerts` (plain oldest-first) then `mark_sent`. The queue holds --alerts pending alerts spread over --chats chats; a run ends
when it is empty. Printed: alerts claimed and marked per second, and a check that no
alert was claimed twice (attempts = 1 everywhere).

On PostgreSQL `claim_alerts` locks its picks FOR UPDATE SKIP LOCKED, so senders never
wait for each other; `claim_due` picks over every due row (fairness), so its picks take
turns on an advisory lock (then lock FOR UPDATE SKIP LOCKED). SQLite has one writer at a
time (BEGIN IMMEDIATE): all its claims and marks queue on that lock.

Run: python bench/bench_outbox_pg.py [--alerts 20000 --chats 2000 --senders 1,4 --batch 20]
     [--postgres postgresql://...]   (default: start a throwaway server, as the tests do)
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage import open_db, write  # noqa: E402
from storage.db import executemany  # noqa: E402
from storage.deliveries import claim_due, mark_delivered  # noqa: E402
from storage.outbox import claim_alerts, mark_sent  # noqa: E402

NOW = "2026-11-22T09:30:00Z"


def fill(target: str, alerts: int, chats: int) -> None:
    """``alerts`` pending alerts over ``chats`` chats, one article each, in one transaction."""
    db = open_db(target)
    with write(db):
        executemany(db, "INSERT INTO articles(id, url, source, title, body, content_hash, fetched_at, updated_at) "
                        "VALUES (?, ?, 'bench', ?, 'Modi met Takaichi.', 'h', ?, ?)",
                    [(i, f"https://bench.example/{i}", f"Story {i}", NOW, NOW) for i in range(1, alerts + 1)])
        executemany(db, "INSERT INTO outbox(chat_id, article_id, rule, status, created_at) "
                        "VALUES (?, ?, 'Modi + Takaichi', 'pending', ?)",
                    [(1000 + i % chats, i, NOW) for i in range(1, alerts + 1)])
    db.close()


def sender(target: str, kind: str, batch: int, start, out) -> None:
    db = open_db(target)
    lease = dt.timedelta(minutes=5)
    start.wait()
    t0 = time.perf_counter()
    done = claims = 0
    while True:
        if kind == "claim_due":
            alerts = claim_due(db, limit=batch, per_chat=2, lease=lease)
        else:
            alerts = claim_alerts(db, limit=batch, lease=lease)
        if not alerts:
            break
        claims += 1
        for alert in alerts:
            if kind == "claim_due":
                mark_delivered(db, [alert["id"]], message_id=alert["id"], via="bench")
            else:
                mark_sent(db, alert["id"], message_id=alert["id"], via="bench")
        done += len(alerts)
    out.put((done, claims, t0, time.perf_counter()))
    db.close()


def measure(target: str, kind: str, senders: int, batch: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=sender, args=(target, kind, batch, start, out)) for _ in range(senders)]
    for p in procs:
        p.start()
    time.sleep(1.5)  # let every process import and connect before the clock starts
    start.set()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    done = sum(r[0] for r in results)
    seconds = max(r[3] for r in results) - min(r[2] for r in results)
    db = open_db(target)
    twice = db.execute("SELECT count(*) FROM outbox WHERE attempts != 1").fetchone()[0]
    left = db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
    db.close()
    return {"alerts": done, "claims": sum(r[1] for r in results), "seconds": seconds,
            "per_second": done / seconds, "claimed_twice": twice, "left": left}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alerts", type=int, default=20_000)
    ap.add_argument("--chats", type=int, default=2_000)
    ap.add_argument("--senders", default="1,4", help="comma-separated sender counts to try")
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--postgres", help="a PostgreSQL server URL whose user may CREATE DATABASE")
    args = ap.parse_args()
    counts = [int(n) for n in args.senders.split(",")]

    from tests.support.postgres import PostgresServer

    server = PostgresServer(args.postgres) if args.postgres else PostgresServer.from_env_or_start()
    if server is None:
        sys.exit("No PostgreSQL: install it (apt-get install postgresql) or pass --postgres URL.")
    print(f"{args.alerts} alerts over {args.chats} chats, claimed in batches of {args.batch}, "
          "each alert marked on its own")
    print(f"{'backend':11} {'claim':12} {'senders':>7} {'alerts/s':>9} {'claims/s':>9} {'seconds':>8}  "
          "claimed twice / left")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            runs = [(b, k, n) for b in ("postgresql", "sqlite") for k in ("claim_due", "claim_alerts") for n in counts]
            for i, (backend, kind, n) in enumerate(runs):
                target = (server.new_database(f"bench_outbox_{i}_{int(time.time())}") if backend == "postgresql"
                          else str(Path(tmp) / f"bench-{i}.db"))
                fill(target, args.alerts, args.chats)
                r = measure(target, kind, n, args.batch)
                print(f"{backend:11} {kind:12} {n:>7} {r['per_second']:>9.0f} {r['claims'] / r['seconds']:>9.0f} "
                      f"{r['seconds']:>8.1f}  {r['claimed_twice']} / {r['left']}", flush=True)
                if backend == "postgresql":
                    server.drop_database(target)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
