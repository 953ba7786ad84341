"""Stories: one cluster per news event as reported, however many outlets carry it.

Levels of sameness, each stored so `story_of()` can say why an article is where it is:

1. same URL after canonicalisation -> one article (``article_urls`` lists every URL
   it was met under: AMP, tracking parameters, mobile hosts);
2. same URL, changed text -> the same article updated; ``article_versions`` keeps
   each title and modification time it was seen with;
3. near-verbatim copy on another outlet (wire copy with a new dateline, trimmed
   paragraphs, boilerplate) -> the article joins the story of the stored article it
   copies; ``article_fingerprints`` keeps which one and how similar they were.

Different reports of the same event are deliberately left apart: with word shingles
they share too little text to be told from two different stories on one topic.

A near copy is looked up through LSH band keys in an indexed table (see
`storage.fingerprints`), then confirmed on the MinHash estimate, and only among
articles published within `COPY_WINDOW` of each other: formulaic reports (market
openings, weather) repeat their wording day after day without being one story.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from .db import executemany, iso_utc, parse_ts, utcnow, write
from .errors import NotFoundError
from .fingerprints import Fingerprint, Similarity, band_keys, similarity

COPY_WINDOW = dt.timedelta(days=4)
MAX_CANDIDATES = 64  # most band matches first; a flood of identical boilerplate is cut here

FIRST, COPY, SHORT = "first", "copy", "short"


@dataclass(frozen=True)
class StoryJoin:
    """Where an article went and why."""

    story_id: int
    article_id: int
    joined: str                        # first, copy or short
    matched_article_id: int | None = None
    similarity: Similarity | None = None


@dataclass(frozen=True)
class Candidate:
    article_id: int
    story_id: int
    similarity: Similarity
    bands: int


def find_copies(
    db: sqlite_utils.Database, fp: Fingerprint, *, seen_at: dt.datetime,
    window: dt.timedelta = COPY_WINDOW, exclude: int | None = None,
) -> list[Candidate]:
    """Stored articles ``fp`` is a near-verbatim copy of, most similar first."""
    keys = band_keys(fp)
    rows = db.execute(
        "SELECT f.article_id, f.story_id, f.signature, f.shingles, f.seen_at, count(*) AS bands "
        "FROM fingerprint_bands b JOIN article_fingerprints f ON f.article_id = b.article_id "
        f"WHERE b.key IN ({', '.join('?' * len(keys))}) "
        "GROUP BY f.article_id ORDER BY bands DESC, f.article_id LIMIT ?",
        [*keys, MAX_CANDIDATES],
    ).fetchall()
    found = []
    for article_id, story_id, blob, count, seen, bands in rows:
        if article_id == exclude or blob is None:
            continue
        seen_ts = parse_ts(seen)
        if seen_ts is not None and abs(seen_ts - seen_at) > window:
            continue
        sim = similarity(fp, Fingerprint.from_blob(blob, count))
        if sim.near_copy:
            found.append(Candidate(article_id, story_id, sim, bands))
    found.sort(key=lambda c: (-c.similarity.jaccard, -c.similarity.containment, c.article_id))
    return found


def assign_story(
    db: sqlite_utils.Database, article_id: int, fp: Fingerprint | None, *,
    seen_at: dt.datetime,
) -> StoryJoin:
    """Put a newly stored article in a story: the story it copies, else a new one.

    Call inside the transaction that stored the article, so two crawls storing two
    copies at once cannot both start a story. An article already placed keeps its
    story (returned as it was).
    """
    with write(db):
        placed = _placement(db, article_id)
        if placed is not None:
            return placed
        now = iso_utc(utcnow())
        match = find_copies(db, fp, seen_at=seen_at, exclude=article_id)[:1] if fp else []
        if match:
            best = match[0]
            join = StoryJoin(best.story_id, article_id, COPY, best.article_id, best.similarity)
        else:
            story_id = db.execute(
                "INSERT INTO stories(first_article_id, created_at) VALUES (?, ?)", [article_id, now]
            ).lastrowid
            join = StoryJoin(story_id, article_id, FIRST if fp else SHORT)
        sim = join.similarity
        db.execute(
            "INSERT INTO article_fingerprints(article_id, story_id, signature, shingles, seen_at, joined, "
            "matched_article_id, jaccard, containment, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article_id, join.story_id, fp.to_blob() if fp else None, fp.shingles if fp else 0,
             iso_utc(seen_at), join.joined, join.matched_article_id,
             sim.jaccard if sim else None, sim.containment if sim else None, now],
        )
        if fp:
            _add_bands(db, article_id, fp)
        db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [join.story_id, article_id])
    return join


def refresh_fingerprint(
    db: sqlite_utils.Database, article_id: int, fp: Fingerprint | None, *, seen_at: dt.datetime,
) -> StoryJoin:
    """After an outlet updated an article: index its new text, keep its story.

    Moving a story's article to another story would orphan alerts already sent for it,
    so an update never changes membership; later copies are matched against the new text.
    """
    with write(db):
        placed = _placement(db, article_id)
        if placed is None:  # stored before stories existed
            return assign_story(db, article_id, fp, seen_at=seen_at)
        old = db.execute(
            "SELECT signature, shingles FROM article_fingerprints WHERE article_id = ?", [article_id]
        ).fetchone()
        if old[0] is not None:
            executemany(
                db, "DELETE FROM fingerprint_bands WHERE key = ? AND article_id = ?",
                [(k, article_id) for k in band_keys(Fingerprint.from_blob(old[0], old[1]))],
            )
        db.execute(
            "UPDATE article_fingerprints SET signature = ?, shingles = ?, seen_at = ? WHERE article_id = ?",
            [fp.to_blob() if fp else None, fp.shingles if fp else 0, iso_utc(seen_at), article_id],
        )
        if fp:
            _add_bands(db, article_id, fp)
    return placed


def drop_fingerprints(db: sqlite_utils.Database, article_ids) -> int:
    """Take articles out of the near-duplicate index (before deleting their rows).

    Band rows have no foreign key (it would need a second index on 32 rows per
    article), so whoever deletes articles calls this first. Their story rows stay.
    """
    dropped = 0
    with write(db):
        for article_id in article_ids:
            row = db.execute(
                "SELECT signature, shingles FROM article_fingerprints WHERE article_id = ?", [article_id]
            ).fetchone()
            if row is None:
                continue
            if row[0] is not None:
                executemany(
                    db, "DELETE FROM fingerprint_bands WHERE key = ? AND article_id = ?",
                    [(k, article_id) for k in band_keys(Fingerprint.from_blob(row[0], row[1]))],
                )
            db.execute("DELETE FROM article_fingerprints WHERE article_id = ?", [article_id])
            dropped += 1
    return dropped


def record_version(
    db: sqlite_utils.Database, article_id: int, *, title: str, modified: str | None, content_hash: str,
) -> None:
    """Remember one version of an article (its first, and each change an outlet made)."""
    with write(db):
        last = db.execute(
            "SELECT content_hash FROM article_versions WHERE article_id = ? ORDER BY id DESC LIMIT 1",
            [article_id],
        ).fetchone()
        if last is not None and last[0] == content_hash:
            return
        db.execute(
            "INSERT INTO article_versions(article_id, title, modified, content_hash, recorded_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [article_id, title, modified, content_hash, iso_utc(utcnow())],
        )


def story_id_of(db: sqlite_utils.Database, article_id: int) -> int | None:
    row = db.execute("SELECT story_id FROM article_fingerprints WHERE article_id = ?", [article_id]).fetchone()
    return row[0] if row else None


def story_of(db: sqlite_utils.Database, article_id: int) -> dict:
    """The story an article belongs to: its members, in order, each with why it joined."""
    exists = db.execute("SELECT id FROM articles WHERE id = ?", [article_id]).fetchone()
    if exists is None:
        raise NotFoundError(f"There is no article {article_id}; `newsradar articles` lists their ids.")
    story_id = story_id_of(db, article_id)
    if story_id is None:
        raise NotFoundError(
            f"Article {article_id} was stored before story clustering existed and is in no story yet."
        )
    first = db.execute("SELECT first_article_id, created_at FROM stories WHERE id = ?", [story_id]).fetchone()
    rows = db.query(
        "SELECT a.id, a.source, a.url, a.title, a.published, a.modified, f.joined, "
        "f.matched_article_id, f.jaccard, f.containment, f.joined_at "
        "FROM article_fingerprints f JOIN articles a ON a.id = f.article_id "
        "WHERE f.story_id = ? ORDER BY f.joined_at, a.id",
        [story_id],
    )
    members = []
    for row in rows:
        member = dict(row)
        member["why"] = _why(member)
        member["urls"] = [
            r[0] for r in db.execute(
                "SELECT url FROM article_urls WHERE article_id = ? AND url != ? ORDER BY url",
                [member["id"], member["url"]],
            )
        ]
        member["versions"] = [
            dict(v) for v in db.query(
                "SELECT title, modified, recorded_at FROM article_versions WHERE article_id = ? ORDER BY id",
                [member["id"]],
            )
        ]
        members.append(member)
    return {
        "story_id": story_id,
        "first_article_id": first[0] if first else None,
        "created_at": first[1] if first else None,
        "members": members,
    }


def _why(member: dict) -> str:
    if member["joined"] == COPY:
        sim = Similarity(member["jaccard"], member["containment"])
        return f"near-verbatim copy of article {member['matched_article_id']}: {sim.describe()}"
    if member["joined"] == SHORT:
        return "first report (too little text to compare with others)"
    return "first report"


def _placement(db: sqlite_utils.Database, article_id: int) -> StoryJoin | None:
    row = db.execute(
        "SELECT story_id, joined, matched_article_id, jaccard, containment "
        "FROM article_fingerprints WHERE article_id = ?", [article_id],
    ).fetchone()
    if row is None:
        return None
    sim = Similarity(row[3], row[4]) if row[3] is not None else None
    return StoryJoin(row[0], article_id, row[1], row[2], sim)


def _add_bands(db: sqlite_utils.Database, article_id: int, fp: Fingerprint) -> None:
    executemany(
        db, "INSERT OR IGNORE INTO fingerprint_bands(key, article_id) VALUES (?, ?)",
        [(k, article_id) for k in band_keys(fp)],
    )
