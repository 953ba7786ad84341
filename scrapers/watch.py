"""Matching stored articles against every chat's watchlist and queueing the alerts."""
from __future__ import annotations

import logging

import rules
from storage.outbox import enqueue_alert
from storage.watchlists import active_watches, watchlists_version

logger = logging.getLogger(__name__)


class WatchIndex:
    """All active rules in one matcher, rebuilt whenever a watchlist changes."""

    def __init__(self, db):
        self.db = db
        self.version = -1
        self.matcher = rules.Matcher()
        self.watches: dict[int, dict] = {}

    def refresh(self) -> None:
        version = watchlists_version(self.db)
        if version == self.version:
            return
        matcher, watches = rules.Matcher(), {}
        for watch in active_watches(self.db):
            try:
                matcher.add(watch["id"], rules.parse(watch["rule"]))
            except rules.RuleError as exc:
                logger.warning("rule %s of chat %s is not valid, skipped: %s",
                               watch["id"], watch["chat_id"], exc)
                continue
            watches[watch["id"]] = watch
        self.matcher, self.watches, self.version = matcher, watches, version

    def alert(self, article_id: int, item) -> int:
        """Queue one alert per chat whose rules match; returns how many were queued."""
        self.refresh()
        doc = rules.Document(title=item.title, body=item.body, source=item.source, lang=item.language)
        queued, chats_done = 0, set()
        for match in self.matcher.match(doc):
            watch = self.watches[match.rule_id]
            if watch["chat_id"] in chats_done:
                continue
            chats_done.add(watch["chat_id"])
            hits = [{"term": h.term, "field": h.field, "start": h.start, "end": h.end} for h in match.hits]
            if enqueue_alert(
                self.db, chat_id=watch["chat_id"], article_id=article_id, rule_id=watch["id"],
                rule=watch["rule"], rule_name=watch.get("name"), hits=hits,
            ):
                queued += 1
        return queued
