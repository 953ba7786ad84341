"""`newsradar run` killed with SIGKILL in the middle of delivering, then restarted: every
pending alert arrives, and none more than twice (only those leased at the kill can repeat)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from storage import open_db
from tests.conftest import REPO
from tests.support import TEST_TOKEN
from tests.test_bot_delivery import add_alert
from tests.support.waiting import wait_until

CHATS = [8101, 8102, 8103, 8104]


def _start(tmp_path, double, db_path, log):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text("jobs:\n  - sources: [business-standard]\n    every: 24h\n")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_BASE_URL": double.url,
           "NEWSRADAR_ALLOW": "all", "NEWSRADAR_SEND_LEASE": "4s", "NEWSRADAR_RETRY_MAX": "1s"}
    return subprocess.Popen(
        [sys.executable, "-m", "newsradar", "--db", str(db_path), "run", "--schedule", str(schedule)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_sigkill_mid_delivery_then_restart_sends_each_alert_at_most_once_more(tmp_path, telegram_double):
    double = telegram_double
    double.latency = 0.3  # slow answers, so sends are in flight when the kill comes
    db_path = tmp_path / "newsradar.db"
    db = open_db(db_path)
    urls = {}
    for chat in CHATS:
        for _ in range(4):
            alert_id = add_alert(db, chat)
            urls[alert_id] = db.execute(
                "SELECT a.url FROM outbox o JOIN articles a ON a.id = o.article_id WHERE o.id = ?", [alert_id]
            ).fetchone()[0]

    def copies() -> Counter:
        seen = Counter()
        for msg in double.sent():
            for alert_id, url in urls.items():
                if f'href="{url}"' in msg["text"]:
                    seen[alert_id] += 1
        return seen

    log = (tmp_path / "service.log").open("ab")
    proc = _start(tmp_path, double, db_path, log)
    try:
        wait_until(lambda: len(double.sent()) >= 5, 60, "the first deliveries")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        before = copies()
        leased = {r[0] for r in db.execute(
            "SELECT id FROM outbox WHERE status = 'pending' AND lease_until IS NOT NULL").fetchall()}
        assert sum(before.values()) < len(urls), "the kill came too late to test anything"

        proc = _start(tmp_path, double, db_path, log)
        wait_until(lambda: len(copies()) == len(urls), 90, "every alert after the restart")
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    after = copies()
    assert set(after) == set(urls)
    repeated = {alert_id for alert_id, n in after.items() if n > 1}
    assert all(n <= 2 for n in after.values()), after
    assert repeated <= leased, (repeated, leased)
    statuses = {r[0] for r in db.execute("SELECT status FROM outbox").fetchall()}
    assert statuses == {"sent"}
    db.close()
    text = (tmp_path / "service.log").read_text(errors="replace")
    assert TEST_TOKEN.split(":")[1] not in text
