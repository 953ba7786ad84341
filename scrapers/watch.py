"""Matching stored articles against every chat's watchlist and queueing alerts per story.

Alerts are per (chat, story). The first copy of a story a chat's rules match is a
pending outbox row; each later copy becomes a 'folded' row pointing at that first row,
which is flagged ``edit_pending`` so the bot extends the sent message's "also
reported by" instead of sending another one.
"""
from __future__ import annotations

import json
import logging

import rules
from storage.aliases import GLOBAL, all_aliases
from storage.db import iso_utc, utcnow
from storage.watchlists import active_watches, watchlists_version

logger = logging.getLogger(__name__)

FOLDED = "folded"


class WatchIndex:
    """All active rules in one matcher, rebuilt whenever a watchlist changes."""

    def __init__(self, db):
        self.db = db
        self.version = -1
        self.matcher = rules.Matcher()
        self.watches: dict[int, dict] = {}
        self.chats: set[int] = set()

    def refresh(self) -> None:
        version = watchlists_version(self.db)
        if version == self.version:
            return
        matcher, watches = rules.Matcher(), {}
        aliases = all_aliases(self.db)
        for watch in active_watches(self.db):
            try:
                chat_aliases = aliases.get(watch["chat_id"], aliases[GLOBAL])
                matcher.add(watch["id"], rules.parse(watch["rule"], aliases=chat_aliases))
            except rules.RuleError as exc:
                logger.warning("rule %s of chat %s is not valid, skipped: %s",
                               watch["id"], watch["chat_id"], exc)
                continue
            watches[watch["id"]] = watch
        self.matcher, self.watches, self.version = matcher, watches, version
        self.chats = {w["chat_id"] for w in watches.values()}

    def matching_chats(self, item) -> dict[int, tuple[dict, list[dict]]]:
        """Chat id -> (the first watch of that chat that matches, its hits)."""
        self.refresh()
        doc = rules.Document(title=item.title, body=item.body, source=item.source, lang=item.language)
        found: dict[int, tuple[dict, list[dict]]] = {}
        for match in self.matcher.match(doc):
            watch = self.watches[match.rule_id]
            if watch["chat_id"] in found:
                continue
            hits = [{"term": h.term, "field": h.field, "start": h.start, "end": h.end} for h in match.hits]
            found[watch["chat_id"]] = (watch, hits)
        return found

    def alert(self, article_id: int, item, *, story_id: int | None = None, fresh: bool = True,
              fold: bool = True) -> int:
        """Queue alerts for a stored article of ``story_id``; returns how many new alerts.

        A chat with no row for the story yet gets a pending alert if its rules match
        and the article is ``fresh``. With ``fold``, every chat that already has one gets
        a folded row for this copy (whether or not its rules match this copy's wording:
        it is the same story), and its first row is flagged for an edit.
        Runs inside the caller's transaction.
        """
        story_id = article_id if story_id is None else story_id
        matched = self.matching_chats(item)
        firsts = dict(self.db.execute(
            "SELECT chat_id, min(id) FROM outbox WHERE story_id = ? AND folded_into IS NULL GROUP BY chat_id",
            [story_id],
        ).fetchall())
        now = iso_utc(utcnow())
        queued = 0
        if fold:
            for chat_id, first_id in firsts.items():
                if chat_id in self.chats:
                    self._fold(chat_id, first_id, article_id, story_id, matched.get(chat_id), now)
        if not fresh:
            return 0
        for chat_id, (watch, hits) in matched.items():
            if chat_id in firsts:
                continue
            cur = self.db.execute(
                "INSERT OR IGNORE INTO outbox(chat_id, article_id, story_id, rule_id, rule, rule_name, hits, "
                "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                [chat_id, article_id, story_id, watch["id"], watch["rule"], watch.get("name"),
                 json.dumps(hits, ensure_ascii=False), now],
            )
            queued += cur.rowcount
        return queued

    def _fold(self, chat_id, first_id, article_id, story_id, matched, now) -> None:
        if matched is not None:
            watch, hits = matched
            rule_id, rule, name = watch["id"], watch["rule"], watch.get("name")
        else:  # the chat's rule matched the story's first copy; credit it
            rule_id, rule, name = self.db.execute(
                "SELECT rule_id, rule, rule_name FROM outbox WHERE id = ?", [first_id]
            ).fetchone()
            hits = []
        cur = self.db.execute(
            "INSERT OR IGNORE INTO outbox(chat_id, article_id, story_id, folded_into, rule_id, rule, "
            "rule_name, hits, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [chat_id, article_id, story_id, first_id, rule_id, rule, name,
             json.dumps(hits, ensure_ascii=False), FOLDED, now],
        )
        if cur.rowcount:
            # A failed first alert has no message to edit.
            self.db.execute(
                "UPDATE outbox SET edit_pending = 1 WHERE id = ? AND status != 'failed'",
                [first_id],
            )
