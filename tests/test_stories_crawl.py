"""One wire story on three outlets, crawled for real: one alert per chat, the copies folded.

The pages are built with the demo web's publisher templates (Business Standard,
The Hindu, The Japan Times), recorded to a WARC and crawled through the CLI. A second
recorded web has Business Standard updating its copy (new headline, one paragraph
more), listed as changed so the spider fetches it again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from newsradar.demo import sites
from newsradar.demo.stories import Story
from newsradar.demo.web import (
    BS, FEED_BS_LATEST, FEED_BS_TOP, FEED_HINDU, FEED_JT, HINDU, HTML, JT, RSS, SITEMAP_BS,
    SITEMAP_BS_LATEST, SITEMAP_HINDU, SITEMAP_JT, TEXT, XML, WebRecord, _record, write_warc,
)
from storage import open_db
from tests.conftest import run_cli
from tests.fixtures.dedup.labelled import load_labelled

SOURCES = ["business-standard", "the-hindu", "japan-times"]
CAPTURE = dt.datetime(2025, 11, 26, 8, 0, tzinfo=dt.timezone.utc)

URL_BS = f"{BS}/india-news/modi-takaichi-agree-to-speed-up-chip-supply-chain-pact-125112600412_1.html"
URL_HINDU = f"{HINDU}/news/national/pm-modi-speaks-to-japanese-pm-takaichi/article70330118.ece"
URL_JT = f"{JT}/news/2025/11/26/japan/politics/india-japan-semiconductor-supply-chain-pact/"
URL_2PLUS2 = f"{BS}/india-news/india-japan-to-hold-2-plus-2-dialogue-in-tokyo-125112600977_1.html"

RENESAS = ("Separately, Renesas Electronics said it would open a chip design centre in Bengaluru "
           "next year, the first investment announced since the call.")


def _story(key: str, slug: str, *, extra: str | None = None, title: str | None = None,
           modified: dt.datetime | None = None) -> Story:
    article = {a.key: a for a in load_labelled()}[key]
    paragraphs = article.body.split("\n\n") + ([extra] if extra else [])
    return Story(slug=slug, title=title or article.title, paragraphs=paragraphs,
                 published=article.published, modified=modified, authors=["Press Trust of India"],
                 section="India News")


def _web(*, bs_update: bool = False) -> list[WebRecord]:
    bs = _story("takaichi-modi-call/business-standard/0", "bs")
    if bs_update:
        bs = dataclasses.replace(
            bs, title="Modi, Takaichi agree to speed up chip pact; Renesas to open Bengaluru centre",
            paragraphs=[*bs.paragraphs, RENESAS], modified=bs.published + dt.timedelta(hours=2),
        )
    hindu = _story("takaichi-modi-call/the-hindu/1", "hindu")
    jt = _story("takaichi-modi-call/economic-times/2", "jt")   # a trimmed copy
    other = _story("india-japan-2plus2/pti", "two-plus-two")
    bs_items = [(bs, URL_BS), (other, URL_2PLUS2)]

    def page(url, html, story):
        return _record(url, HTML, html, modified=story.last_modified)

    return [
        _record(f"{BS}/robots.txt", TEXT, sites.robots_txt(sites.BS_HOST)),
        _record(f"{HINDU}/robots.txt", TEXT, sites.robots_txt(sites.HINDU_HOST)),
        _record(f"{JT}/robots.txt", TEXT, sites.robots_txt(sites.JT_HOST)),
        _record(FEED_BS_LATEST, RSS, sites.rss_feed("Latest", BS, bs_items, self_url=FEED_BS_LATEST)),
        _record(FEED_BS_TOP, RSS, sites.rss_feed("Top", BS, bs_items[:1], self_url=FEED_BS_TOP)),
        _record(SITEMAP_BS, XML, sites.news_sitemap(bs_items)),
        _record(SITEMAP_BS_LATEST, XML, sites.news_sitemap(bs_items)),
        _record(FEED_HINDU, RSS, sites.rss_feed("The Hindu", HINDU + "/", [(hindu, URL_HINDU)], self_url=FEED_HINDU)),
        _record(SITEMAP_HINDU, XML, sites.news_sitemap([(hindu, URL_HINDU)], publication="The Hindu",
                                                       namespace=sites.HINDU)),
        _record(FEED_JT, RSS, sites.rss_feed("The Japan Times", JT + "/", [(jt, URL_JT)], self_url=FEED_JT)),
        _record(SITEMAP_JT, XML, sites.news_sitemap([(jt, URL_JT)], publication="The Japan Times")),
        page(URL_BS, sites.business_standard_article(bs, URL_BS), bs),
        page(URL_2PLUS2, sites.business_standard_article(other, URL_2PLUS2), other),
        page(URL_HINDU, sites.hindu_article(hindu, URL_HINDU), hindu),
        page(URL_JT, sites.japantimes_article(jt, URL_JT), jt),
    ]


def _alerts(db_path):
    out = run_cli("--db", str(db_path), "alerts", "--json")
    assert out.returncode == 0, out.stderr
    return sorted(json.loads(out.stdout), key=lambda a: a["id"])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stories")
    db_path = folder / "n.db"
    for chat, rule in ((42, "Modi + Takaichi"), (43, "semiconductor OR chip"), (44, "Renesas")):
        assert run_cli("--db", str(db_path), "rules", "add", "--chat", str(chat), rule).returncode == 0
    web1 = write_warc(_web(), folder / "web1.warc.gz", capture_time=CAPTURE)
    first = run_cli("--db", str(db_path), "crawl", *SOURCES, "--replay", str(web1), "--json")
    assert first.returncode == 0, first.stderr
    after_first = _alerts(db_path)
    web2 = write_warc(_web(bs_update=True), folder / "web2.warc.gz",
                      capture_time=CAPTURE + dt.timedelta(hours=3))
    second = run_cli("--db", str(db_path), "crawl", *SOURCES, "--replay", str(web2), "--json")
    assert second.returncode == 0, second.stderr
    return db_path, json.loads(first.stdout), after_first, json.loads(second.stdout), _alerts(db_path)


def test_one_alert_per_chat_and_story_with_the_other_copies_folded(crawled):
    db_path, first, alerts, _, _ = crawled
    urls = {URL_BS, URL_HINDU, URL_JT}
    for chat in (42, 43):
        story_rows = [a for a in alerts if a["chat_id"] == chat and a["url"] in urls]
        pending = [a for a in story_rows if a["status"] == "pending"]
        folded = [a for a in story_rows if a["status"] == "folded"]
        assert len(pending) == 1, story_rows
        assert len(folded) == 2, story_rows
        assert {a["folded_into"] for a in folded} == {pending[0]["id"]}
        assert {a["story_id"] for a in story_rows} == {pending[0]["story_id"]}
        assert {a["url"] for a in story_rows} == urls
    # The 2+2 story names both leaders too, but it is another story: its own alert.
    other = [a for a in alerts if a["url"] == URL_2PLUS2]
    assert [(a["chat_id"], a["status"], a["folded_into"]) for a in other] == [(42, "pending", None)]
    assert sum(s["alerts"] for s in first) == 3
    db = open_db(db_path)
    flagged = {r[0] for r in db.execute("SELECT id FROM outbox WHERE edit_pending = 1")}
    assert flagged == {a["id"] for a in alerts if a["status"] == "pending" and a["url"] in urls}


def test_story_command_lists_members_and_why(crawled):
    db_path, _, alerts, _, _ = crawled
    first = next(a for a in alerts if a["chat_id"] == 42 and a["status"] == "pending" and a["url"] != URL_2PLUS2)
    out = run_cli("--db", str(db_path), "story", str(first["article_id"]), "--json")
    assert out.returncode == 0, out.stderr
    story = json.loads(out.stdout)
    members = story["members"]
    assert {m["url"] for m in members} == {URL_BS, URL_HINDU, URL_JT}
    assert members[0]["why"] == "first report"
    for m in members[1:]:
        assert m["why"].startswith("near-verbatim copy of article ")
        assert m["jaccard"] > 0.25 and m["containment"] > 0.65
    text = run_cli("--db", str(db_path), "story", str(first["article_id"]))
    assert text.returncode == 0 and "near-verbatim copy" in text.stdout


def test_an_update_keeps_history_and_alerts_only_a_newly_matching_chat(crawled):
    db_path, _, before, second, after = crawled
    assert sum(s["articles_updated"] for s in second) == 1
    new_rows = [a for a in after if a["id"] not in {b["id"] for b in before}]
    # Chats 42 and 43 already have this story: nothing new. Chat 44's rule matches now.
    assert [(a["chat_id"], a["url"], a["status"]) for a in new_rows] == [(44, URL_BS, "pending")]
    db = open_db(db_path)
    article_id = db.execute("SELECT id FROM articles WHERE url = ?", [URL_BS]).fetchone()[0]
    out = run_cli("--db", str(db_path), "story", str(article_id), "--json")
    member = next(m for m in json.loads(out.stdout)["members"] if m["id"] == article_id)
    titles = [v["title"] for v in member["versions"]]
    original = _story("takaichi-modi-call/business-standard/0", "bs").title
    assert titles == [original, "Modi, Takaichi agree to speed up chip pact; Renesas to open Bengaluru centre"]
    assert member["versions"][1]["modified"] > (member["versions"][0]["modified"] or "")


def test_story_of_an_unknown_article_is_one_sentence(tmp_path):
    out = run_cli("--db", str(tmp_path / "n.db"), "story", "999")
    assert out.returncode == 1
    assert "There is no article 999" in out.stderr and "Traceback" not in out.stderr
