"""Extraction on real publishers' pages (../shared/fixtures/real), scored against ground truth.

Skipped when the shared folder is absent. The gold data are other projects' expected
outputs: fundus (title, body, date), article-extraction-benchmark bodies, htmldate
dates and newspaper4k's metadata for one Nikkei page.
"""

from __future__ import annotations

import pytest

from scrapers.extract import extract_article


@pytest.fixture(scope="module")
def pages(shared_dir):
    from bench.bench_extraction import load_pages

    if not (shared_dir / "fixtures" / "real" / "manifest.tsv").is_file():
        pytest.skip("../shared/fixtures/real is not present")
    loaded = load_pages()
    return {page.file.removeprefix("html/"): page for page in loaded}


@pytest.fixture(scope="module")
def extracted(pages):
    return {name: extract_article(page.html, page.url, default_tz=page.tz) for name, page in pages.items()}


def test_every_real_page_extracts_with_title_date_and_body(pages, extracted):
    for name, ex in extracted.items():
        assert ex.title, name
        assert ex.published is not None and ex.published.tzinfo is not None, name
        if "slideshow" in name:
            # Its URL already rules it out, so no time is spent finding a body it will never store.
            assert ex.body == "" and not ex.is_article, name
        else:
            assert len(ex.body) > 200, name


def test_real_articles_are_articles_and_the_slideshow_is_not(extracted):
    for name, ex in extracted.items():
        expected = "slideshow" not in name
        assert ex.is_article is expected, f"{name}: {ex.reason}"
        assert ex.reason.endswith(".")


def test_bodies_match_the_gold_text(pages, extracted):
    from bench.bench_extraction import f1

    scored = [(name, f1(extracted[name].body, page.gold_body)[2]) for name, page in pages.items() if page.gold_body]
    assert len(scored) >= 5
    for name, score in scored:
        assert score >= 0.85, f"{name}: body F1 {score:.3f}"
    assert sum(score for _, score in scored) / len(scored) >= 0.95


def test_titles_match_the_gold_titles(pages, extracted):
    from bench.bench_extraction import fold

    for name, page in pages.items():
        if page.gold_title:
            assert fold(extracted[name].title) == fold(page.gold_title), name


def test_publication_days_match_the_gold_dates(pages, extracted):
    for name, page in pages.items():
        if page.gold_date:
            assert extracted[name].published.date() == page.gold_date, name


@pytest.mark.parametrize(
    ("name", "teaser"),
    [
        ("in_livemint_2021-02-18.html", "Why bitcoin won"),  # <p><strong>Also Read | </strong><a>…</a></p>
        ("in_thehindu_2020-02-01.html", "proposes 16-point action plan"),  # "Also Read" box inside the body
        ("in_businesstoday_2020-07-09.html", "Radio companies piggyback"),  # "Also read:" inside JSON-LD articleBody
        ("in_ndtv_2021-02-18.html", "Jack Dorsey"),  # "Also Read" widget of gadget stories
    ],
)
def test_also_read_teasers_are_not_in_real_bodies(extracted, name, teaser):
    assert teaser.lower() not in extracted[name].body.lower()


def test_languages_and_zones_of_real_pages(pages, extracted):
    for name, ex in extracted.items():
        english_from_japan = "japantimes" in name or "japannews" in name
        assert ex.language == ("ja" if name.startswith("jp_") and not english_from_japan else "en"), name
    assert extracted["in_thehindu_2020-02-01.html"].published.isoformat() == "2020-02-01T19:36:27+05:30"
    assert extracted["jp_sankei_2025-01-21.html"].published.isoformat() == "2025-01-21T20:50:32+09:00"


def test_nhk_easy_furigana_is_not_doubled_into_the_text(extracted):
    ex = extracted["jp_nhk-easy_2019-06-24.html"]
    assert ex.title == "子どもへの体罰を禁止する法律ができる"
    assert "たいばつ" not in ex.body  # the reading of 体罰, printed above it as <rt>
