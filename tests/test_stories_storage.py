"""Story storage on a real SQLite file: joining, the time window, updates, two processes."""
from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

from storage import NotFoundError, open_db, write
from storage.articles import upsert_article
from storage.fingerprints import fingerprint
from storage.stories import (
    assign_story, find_copies, record_version, refresh_fingerprint, story_of,
)
from tests.fixtures.dedup.labelled import load_labelled

ARTICLES = {a.key: a for a in load_labelled()}


def _store(db, key, *, url=None, published=None, body=None):
    a = ARTICLES[key]
    published = published or a.published
    body = body if body is not None else a.body
    with write(db):
        stored = upsert_article(db, {"url": url or f"https://{a.source}.example/{key}", "source": a.source,
                                     "title": a.title, "body": body, "published": published})
        return assign_story(db, stored.article_id, fingerprint(a.title, body), seen_at=published)


def test_a_copy_joins_the_first_report_and_says_why(db):
    first = _store(db, "rbi-policy/reuters")
    copy = _store(db, "rbi-policy/mint/2")
    own = _store(db, "rbi-policy-own-report/the-hindu")
    assert first.joined == "first" and copy.joined == "copy"
    assert copy.story_id == first.story_id and copy.matched_article_id == first.article_id
    assert own.story_id != first.story_id
    story = story_of(db, copy.article_id)
    assert [m["id"] for m in story["members"]] == [first.article_id, copy.article_id]
    assert story["members"][1]["why"].startswith(f"near-verbatim copy of article {first.article_id}: ")
    assert db.execute("SELECT story_id FROM articles WHERE id = ?", [copy.article_id]).fetchone()[0] == first.story_id


def test_copies_far_apart_in_time_are_separate_stories(db):
    first = _store(db, "sensex-nov24/pti")
    later = ARTICLES["sensex-nov24/business-standard/0"].published + dt.timedelta(days=30)
    rerun = _store(db, "sensex-nov24/business-standard/0", published=later)
    assert rerun.story_id != first.story_id


def test_short_text_starts_its_own_story(db):
    join = _store(db, "hokkaido-quake/kyodo", body="Quake hits Hokkaido.")
    assert join.joined == "short"
    assert story_of(db, join.article_id)["members"][0]["why"].startswith("first report (too little text")


def test_an_update_keeps_the_story_and_reindexes_the_new_text(db):
    first = _store(db, "bear-akita/kyodo")
    a = ARTICLES["bear-akita/kyodo"]
    new_body = ARTICLES["delhi-air/ians"].body   # rewritten beyond recognition
    with write(db):
        upsert_article(db, {"url": f"https://{a.source}.example/{a.key}", "source": a.source,
                            "title": "New title", "body": new_body, "published": a.published})
        kept = refresh_fingerprint(db, first.article_id, fingerprint("New title", new_body), seen_at=a.published)
    assert kept.story_id == first.story_id
    # The index now holds the new text: the old text finds nothing, the new one finds it.
    old_fp = fingerprint(a.title, a.body)
    assert find_copies(db, old_fp, seen_at=a.published) == []
    assert [c.article_id for c in find_copies(db, fingerprint("x", new_body), seen_at=a.published)] == [first.article_id]


def test_versions_skip_repeats(db):
    join = _store(db, "isro-launch/ani")
    for title, modified, digest in [("A", "2025-12-02T16:30:00+05:30", "h1"), ("A", None, "h1"),
                                    ("B", "2025-12-02T18:00:00+05:30", "h2")]:
        record_version(db, join.article_id, title=title, modified=modified, content_hash=digest)
    versions = story_of(db, join.article_id)["members"][0]["versions"]
    assert [v["title"] for v in versions] == ["A", "B"]


def test_unknown_article_is_a_not_found_error(db):
    with pytest.raises(NotFoundError, match="There is no article 12345"):
        story_of(db, 12345)


def _store_in_process(path, key, ready, go):
    db = open_db(path)
    ready.set()
    go.wait(10)
    _store(db, key)
    db.close()


def test_two_processes_storing_two_copies_at_once_make_one_story(tmp_path):
    path = tmp_path / "n.db"
    open_db(path).close()
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Event()
    procs, readies = [], []
    for key in ("delhi-air/ians", "delhi-air/business-standard/1"):
        ready = ctx.Event()
        proc = ctx.Process(target=_store_in_process, args=(path, key, ready, go))
        proc.start()
        procs.append(proc)
        readies.append(ready)
    for ready in readies:
        assert ready.wait(30)
    go.set()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    db = open_db(path)
    assert db.execute("SELECT count(DISTINCT story_id), count(*) FROM article_fingerprints").fetchone() == (1, 2)


def test_dropped_fingerprints_leave_no_band_rows(db):
    join = _store(db, "isro-launch/ani")
    assert db.execute("SELECT count(*) FROM fingerprint_bands").fetchone()[0] > 0
    from storage.stories import drop_fingerprints
    assert drop_fingerprints(db, [join.article_id, 999]) == 1
    assert db.execute("SELECT count(*) FROM fingerprint_bands").fetchone()[0] == 0
    a = ARTICLES["isro-launch/ani"]
    assert find_copies(db, fingerprint(a.title, a.body), seen_at=a.published) == []
