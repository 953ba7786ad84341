"""End to end with only real parts: `newsradar run` as a subprocess, real Scrapy crawls of a
replayed WARC, a real SQLite file, and the real python-telegram-bot client talking HTTP to a
Telegram Bot API double on 127.0.0.1."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsradar.demo.web import URL_MODI_BILATERALS, URL_MODI_PROPOSALS, write_warc
from storage import open_db
from tests.conftest import REPO, SHARED
from tests.support.seed_web import SEED_URL, build_seed_web, read_seed, seed_story
from tests.support.waiting import wait_until

TOKEN = "123456789:AAE2e-test-token-for-the-double-only"
CHAT = 5550001


def _finished_runs(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    db = open_db(db_path)
    try:
        return db.execute("SELECT count(*) FROM crawl_runs WHERE finished_at IS NOT NULL").fetchone()[0]
    finally:
        db.close()


class Service:
    def __init__(self, tmp: Path, double, warc: Path):
        self.db = tmp / "newsradar.db"
        self.schedule = tmp / "schedule.yaml"
        self.schedule.write_text("jobs:\n  - sources: [business-standard]\n    every: 2s\n")
        self.warc = warc
        self.log = tmp / "service.log"
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": double.url,
                    "NEWSRADAR_ALLOW": "all"}
        self.proc = None

    def start(self):
        self.log_fh = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsradar", "--db", str(self.db), "run",
             "--schedule", str(self.schedule), "--replay", str(self.warc)],
            cwd=REPO, env=self.env, stdout=self.log_fh, stderr=subprocess.STDOUT,
        )

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        finally:
            self.log_fh.close()
        return code

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _alerts(double, url: str | None = None):
    return [m for m in double.sent(CHAT) if "business-standard.com/" in (m.get("text") or "")
            and (url is None or url in m["text"])]


@pytest.mark.slow
def test_seed_story_reaches_the_watcher_once(tmp_path, telegram_double):
    double = telegram_double
    seed_text = read_seed(SHARED)
    story = seed_story(seed_text)
    warc = write_warc(build_seed_web(seed_text, with_story=False), tmp_path / "web.warc.gz")
    service = Service(tmp_path, double, warc)
    service.start()
    try:
        # A user subscribes and adds the watch before the story is published.
        double.send_user_message(CHAT, "/start")
        replies = double.wait_for_sent(1, chat_id=CHAT, timeout=60)
        assert "Subscribed" in replies[0]["plain_text"]
        double.send_user_message(CHAT, "/watch Modi + Takaichi")
        replies = double.wait_for_sent(2, chat_id=CHAT, timeout=30)
        assert "Watching rule" in replies[1]["plain_text"] and "Modi + Takaichi" in replies[1]["plain_text"]
        assert {c["command"] for c in double.commands} >= {"start", "watch", "watches", "unwatch", "help"}

        # The story appears on the (replayed) web: the next crawl finds it.
        runs_before = _finished_runs(service.db)
        tmp_warc = tmp_path / "web.next.warc.gz"
        write_warc(build_seed_web(seed_text, with_story=True), tmp_warc)
        os.replace(tmp_warc, warc)
        alert = wait_until(lambda: _alerts(double, SEED_URL), 60, "the alert")[0]
        assert story.title in alert["plain_text"]
        assert f'href="{SEED_URL}"' in alert["text"]
        assert "Modi + Takaichi" in alert["plain_text"]
        assert alert["parse_mode"] == "HTML"

        # Two more crawls of the same web: nothing is sent again.
        seen = _finished_runs(service.db)
        assert seen > runs_before
        wait_until(lambda: _finished_runs(service.db) >= seen + 2, 60, "two more crawls")
        assert len(_alerts(double)) == 1, [m["plain_text"][:80] for m in _alerts(double)]
        assert _alerts(double, URL_MODI_BILATERALS) == [] and _alerts(double, URL_MODI_PROPOSALS) == []
        assert service.stop() == 0
    finally:
        service.kill()

    # A restart sends nothing again.
    sent_before = len(double.sent(CHAT))
    service.start()
    try:
        runs = _finished_runs(service.db)
        wait_until(lambda: _finished_runs(service.db) >= runs + 2, 60, "crawls after the restart")
        time.sleep(1.5)  # give the sender a round to (wrongly) resend
        assert len(double.sent(CHAT)) == sent_before
        assert service.stop() == 0
    finally:
        service.kill()
    log = service.log.read_text(errors="replace")
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert "Traceback" not in log, log[-3000:]
