"""Decoding response bodies: HTTP charset, then <meta>, then detection; Japanese and Hindi pages."""

from __future__ import annotations

import json

import pytest

from scrapers.extract import ExtractionError, decode_html, extract_article

JA_TITLE = "高市首相、モディ首相と電話会談　新幹線計画を確認"
JA_PARAGRAPHS = [
    "高市早苗首相は十日夜、インドのモディ首相と約三十分間電話で会談した。両首脳はムンバイとアーメダバードを結ぶ高速鉄道計画の進捗を確認し、半導体の供給網づくりでも協力を深めることで一致した。",
    "政府関係者によると、年内に東京で開く年次首脳会談に向けて防衛協力やクリーンエネルギー分野の具体策を詰める。「①」や「髙」のような機種依存文字も正しく読めることを確かめる。",
]
HI_TITLE = "मोदी और जापान के प्रधानमंत्री ने बुलेट ट्रेन परियोजना की समीक्षा की"
HI_PARAGRAPHS = [
    "प्रधानमंत्री नरेंद्र मोदी ने मंगलवार को जापान के प्रधानमंत्री से फोन पर बात की और मुंबई-अहमदाबाद हाई स्पीड रेल परियोजना की प्रगति की समीक्षा की।",
    "दोनों नेताओं ने सेमीकंडक्टर आपूर्ति श्रृंखला, रक्षा सहयोग और स्वच्छ ऊर्जा पर भी चर्चा की। अधिकारियों ने बताया कि अगला वार्षिक शिखर सम्मेलन टोक्यो में होगा।",
]


def _japanese_page(meta: str = '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">') -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": JA_TITLE,
          "datePublished": "2024-06-10T21:37:00+09:00", "author": {"@type": "Organization", "name": "共同通信"}}
    paragraphs = "".join(f"<p>{p}</p>" for p in JA_PARAGRAPHS)
    return (f'<html lang="ja"><head>{meta}<title>{JA_TITLE}：日本経済新聞</title>'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head>'
            f'<body><nav><a href="/">トップ</a></nav><article><h1>{JA_TITLE}</h1>{paragraphs}</article></body></html>')


def _hindi_page(meta: str = '<meta charset="utf-8">') -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in HI_PARAGRAPHS)
    return (f'<html><head>{meta}<title>{HI_TITLE} | Business Standard Hindi</title>'
            '<meta property="og:type" content="article"><meta property="article:published_time" content="2024-06-10T18:30:00+05:30">'
            f'</head><body><div class="story"><h1>{HI_TITLE}</h1>{paragraphs}'
            '<p>यह भी पढ़ें: <a href="/other">ताकाइची ने नई कैबिनेट का ऐलान किया</a></p></div></body></html>')


@pytest.mark.parametrize(
    ("content_type", "meta"),
    [
        (None, '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'),
        ("text/html; charset=Shift_JIS", ""),
        ("text/html; charset=shift_jis", '<meta charset="Shift_JIS">'),
        ("text/html; charset=utf-8", '<meta charset="Shift_JIS">'),  # wrong header: the bytes are not UTF-8
        ("text/html", ""),  # nothing declared: detection
    ],
)
def test_shift_jis_page_decodes_to_correct_japanese(content_type, meta):
    body = _japanese_page(meta).encode("cp932")
    text = decode_html(body, content_type)
    assert JA_TITLE in text and JA_PARAGRAPHS[1] in text

    ex = extract_article(text, "https://www.nikkei.com/article/DGXZQOUA1000A0Q4A610C2000000/", default_tz="Asia/Tokyo")
    assert ex.title == JA_TITLE.replace("\u3000", " ")  # whitespace runs fold to one space
    assert ex.language == "ja"
    assert ex.authors == ["共同通信"]
    assert ex.body.split("\n\n") == JA_PARAGRAPHS
    assert ex.is_article, ex.reason


def test_euc_jp_declared_in_meta():
    body = _japanese_page('<meta charset="EUC-JP">').replace("①", "").replace("髙", "").encode("euc_jp")
    assert JA_TITLE in decode_html(body, "text/html")


@pytest.mark.parametrize(
    ("content_type", "meta"),
    [
        ("text/html; charset=UTF-8", ""),
        (None, '<meta charset="utf-8">'),
        (None, ""),
        ("text/html; charset=\"utf-8\"", '<meta charset="utf-8">'),
    ],
)
def test_hindi_page_decodes_and_extracts(content_type, meta):
    text = decode_html(_hindi_page(meta).encode("utf-8"), content_type)
    ex = extract_article(text, "https://hindi.business-standard.com/india/modi-japan-talks-124061000456_1.html")
    assert ex.title == HI_TITLE
    assert ex.language == "hi"
    assert ex.body.split("\n\n") == HI_PARAGRAPHS
    assert "ताकाइची" not in ex.body


def test_utf8_byte_order_mark_wins_over_a_wrong_header():
    body = "\ufeff".encode("utf-8") + _hindi_page("").encode("utf-8")
    assert HI_TITLE in decode_html(body, "text/html; charset=iso-8859-1")


def test_latin1_label_decodes_as_windows_1252():
    body = '<html><head><meta charset="iso-8859-1"></head><body><p>Modi\x92s \x93visit\x94 to Tokyo</p></body></html>'.encode("latin-1")
    assert "Modi\u2019s \u201cvisit\u201d to Tokyo" in decode_html(body, None)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "text/html", "empty"),
        (b"  \r\n", None, "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", None, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", None, "binary"),
        (b"<html></html>", "image/png", "not an HTML page"),
        (b"%PDF-1.7", "application/pdf", "application/pdf"),
    ],
)
def test_bodies_that_are_not_html_raise_one_sentence(body, content_type, message):
    with pytest.raises(ExtractionError) as caught:
        decode_html(body, content_type)
    assert message in str(caught.value)
    assert str(caught.value).endswith(".")


def test_unknown_charset_label_falls_through_to_the_page():
    body = _hindi_page().encode("utf-8")
    assert HI_TITLE in decode_html(body, "text/html; charset=x-no-such-charset")


def test_hindi_text_under_an_english_template_is_hindi():
    page = _hindi_page().replace("<html>", '<html lang="en">')
    ex = extract_article(page, "https://hindi.business-standard.com/india/modi-japan-talks-124061000456_1.html")
    assert ex.language == "hi"


def test_html_served_as_octet_stream_is_still_read():
    assert HI_TITLE in decode_html(_hindi_page().encode("utf-8"), "application/octet-stream")
