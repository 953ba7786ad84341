"""The spider against a real HTTP server on loopback: what goes wrong on the web is logged, never fatal."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storage import open_db
from storage.runs import list_runs
from tests.conftest import run_cli


def _page(title: str, paragraphs: list[str], url: str, *, broken: bool = False) -> bytes:
    ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
        "datePublished": "2025-11-24T06:00:00+05:30", "author": {"@type": "Person", "name": "A Reporter"},
        "mainEntityOfPage": url,
    })
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if broken:
        # Unclosed tags, a stray closing tag and a truncated end, as badly served pages have.
        return (f"<html><head><title>{title}</title><script type='application/ld+json'>{ld}</script>"
                f"<body><div class='article'><h1>{title}</h1></span><div><table><tr><td>{body}"
                f"<p>Tail <b>bold <i>and then the page simply sto").encode()
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<link rel='canonical' href='{url}'><script type='application/ld+json'>{ld}</script></head>"
            f"<body><nav>Home World</nav><article><h1>{title}</h1>{body}</article>"
            f"<aside>Trending: Sidebar Person visits town</aside></body></html>").encode()


PARAS = [
    "The prime minister met a delegation of business leaders on Monday to discuss investment in ports.",
    "Officials said the talks covered shipping, customs procedures and a new fund for coastal states.",
    "A joint statement is expected later in the week after the ministers review the draft.",
]


class _Web(BaseHTTPRequestHandler):
    routes: dict = {}
    seen: list = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        self.seen.append((self.path, self.headers.get("If-None-Match")))
        path = self.path
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304, b"", "application/rss+xml", etag='"v1"')
            items = ["news/good.html?utm_source=rss", "news/slow.html", "news/missing.html",
                     "news/error.html", "news/redirect.html", "news/broken.html", "private/secret.html"]
            xml = "".join(f"<item><title>{i}</title><link>{base}/{i}</link></item>" for i in items)
            xml += "<item><title>x</title><link>file:///etc/passwd</link></item>"
            xml += "<item><title>y</title><link>http://elsewhere.example/news/y.html</link></item>"
            return self._send(200, f"<rss version='2.0'><channel><title>t</title>{xml}</channel></rss>".encode(),
                              "application/rss+xml", etag='"v1"')
        if path == "/malformed.xml":
            return self._send(200, b"<rss><channel><item><title>oops</channel>", "application/rss+xml")
        if path == "/news/good.html":
            return self._send(200, _page("Ports investment talks", PARAS, f"{base}/news/good.html"), "text/html; charset=utf-8")
        if path == "/news/slow.html":
            time.sleep(3)
            return self._send(200, _page("Slow", PARAS, f"{base}/news/slow.html"), "text/html")
        if path == "/news/error.html":
            return self._send(500, b"oops", "text/plain")
        if path == "/news/redirect.html":
            self.send_response(301)
            self.send_header("Location", f"{base}/news/moved-here.html")
            self.end_headers()
            return
        if path == "/news/moved-here.html":
            return self._send(200, _page("Moved story on coastal fund", PARAS, f"{base}/news/moved-here.html"), "text/html")
        if path == "/news/broken.html":
            return self._send(200, _page("Broken page story on customs", PARAS, f"{base}/news/broken.html", broken=True), "text/html")
        if path == "/private/secret.html":
            return self._send(200, _page("Secret", PARAS, f"{base}/private/secret.html"), "text/html")
        return self._send(404, b"not here", "text/plain")

    def _send(self, status, body, ctype, etag=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


@pytest.fixture(scope="module")
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Web)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def crawl_result(web, tmp_path_factory):
    folder = tmp_path_factory.mktemp("http")
    sources = folder / "sources.yaml"
    sources.write_text(f"""
sources:
  localtest:
    title: Local test outlet
    homepage: {web}/
    language: en
    timezone: Asia/Kolkata
    allowed_domains: [127.0.0.1]
    feeds: [{web}/feed.xml, {web}/moved-feed.xml, {web}/malformed.xml]
    article_pattern: '/(news|private)/'
""")
    env = {"NEWSRADAR_SOURCES": str(sources)}
    db_path = folder / "n.db"
    args = ("--db", str(db_path), "crawl", "localtest", "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=0")
    first = run_cli(*args, env=env)
    _Web.seen.clear()
    second = run_cli(*args, env=env)
    return db_path, first, second, list(_Web.seen)


def test_the_crawl_finishes_and_stores_what_it_could(crawl_result):
    db_path, first, _, _ = crawl_result
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    titles = sorted(r[0] for r in open_db(db_path).execute("SELECT title FROM articles"))
    assert titles == ["Broken page story on customs", "Moved story on coastal fund", "Ports investment talks"]


def test_each_failure_is_recorded_with_its_reason(crawl_result):
    db_path, first, _, _ = crawl_result
    run = list_runs(open_db(db_path), source="localtest")[-1]
    reasons = {e["url"].rsplit("/", 1)[-1]: e["reason"] for e in run["error_log"]}
    assert "timed out" in reasons["slow.html"]
    assert "404" in reasons["missing.html"]
    assert "500" in reasons["error.html"]
    assert "404" in reasons["moved-feed.xml"]
    assert "not well-formed" in reasons["malformed.xml"]
    assert run["status"] == "ok" and run["articles_new"] == 3
    assert "slow.html: timed out" in first.stdout


def test_redirects_tracking_links_and_robots(crawl_result, web):
    db_path, _, _, _ = crawl_result
    db = open_db(db_path)
    urls = {r[0] for r in db.execute("SELECT url FROM articles")}
    assert f"{web}/news/good.html" in urls  # stored without ?utm_source
    assert f"{web}/news/moved-here.html" in urls
    aliases = {r[0] for r in db.execute("SELECT url FROM article_urls")}
    assert f"{web}/news/redirect.html" in aliases
    assert not any("private" in u for u in urls | aliases)  # robots.txt disallows it


def test_second_crawl_uses_conditional_get_and_fetches_nothing_stored(crawl_result):
    _, _, second, seen = crawl_result
    assert second.returncode == 0, second.stderr
    assert ("/feed.xml", '"v1"') in seen
    fetched_articles = [p for p, _ in seen if p.startswith("/news/good") or p.startswith("/news/moved-here")]
    assert fetched_articles == []
