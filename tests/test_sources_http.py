"""Crawling well, against a real HTTP server on loopback: conditional GET, re-fetching what a
listing says changed, every failure kind recorded per run, our User-Agent, and `newsradar extract`."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storage import open_db
from storage.runs import list_runs
from tests.conftest import run_cli

CONTACT = "https://example.org/newsradar-operator"
PARAS = [
    "Port officials in Chennai said cargo volumes rose in October as electronics exports picked up pace.",
    "Shipping lines added two weekly services to East Asia, and a new berth is due to open in March.",
    "Unions asked for more cranes on the night shift, saying queues of trucks stretch for kilometres.",
]


def _article(title: str, paragraphs: list[str], modified: str) -> bytes:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": "2025-11-24T06:00:00+05:30", "dateModified": modified,
                     "author": {"@type": "Person", "name": "Port Reporter"}})
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<script type='application/ld+json'>{ld}</script></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


def _sitemap(base: str, lastmod: str) -> bytes:
    return (f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{base}/news/port.html</loc><lastmod>{lastmod}</lastmod></url></urlset>").encode()


class _Site(BaseHTTPRequestHandler):
    version = 1           # which version of the port story the site serves
    seen: list = []       # (path, If-None-Match, If-Modified-Since, User-Agent)

    def log_message(self, *args):
        pass

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        h = self.headers
        self.seen.append((self.path, h.get("If-None-Match"), h.get("If-Modified-Since"), h.get("User-Agent")))
        v = type(self).version
        lastmod = "2025-11-24T06:00:00+05:30" if v == 1 else "2025-11-24T09:30:00+05:30"
        routes = {
            "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/sitemap.xml": (200, "application/xml", _sitemap(base, lastmod)),
            "/news/port.html": (200, "text/html; charset=utf-8",
                                _article("Chennai port cargo rises", PARAS if v == 1 else PARAS + [
                                    "Update: the port authority confirmed the new berth will open on 1 March."],
                                    lastmod)),
            "/private/page.html": (200, "text/html", _article("Private", PARAS, lastmod)),
            "/walled.xml": (403, "text/html", b"<html><title>Just a moment...</title><div id='cf-chl'></div></html>"),
            "/empty.xml": (200, "application/rss+xml", b"<rss version='2.0'><channel><title>t</title></channel></rss>"),
            "/broken.xml": (200, "application/rss+xml", b"<rss><channel><item><title>x</channel>"),
            "/html-feed.xml": (200, "text/html", b"<!DOCTYPE html><html><body>Our feeds moved</body></html>"),
            "/huge.xml": (200, "application/rss+xml", b"<rss>" + b" " * 300_000 + b"</rss>"),
        }
        if self.path == "/slow.xml":
            time.sleep(2)
            return self._send(200, "application/rss+xml", b"<rss/>")
        if self.path == "/sitemap.xml":
            etag = f'"sm-v{v}"'
            if h.get("If-None-Match") == etag:
                return self._send(304, "application/xml", b"", etag=etag)
            return self._send(200, "application/xml", _sitemap(base, lastmod), etag=etag,
                              last_modified="Mon, 24 Nov 2025 04:00:00 GMT")
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"not here"))
        return self._send(status, ctype, body)

    def _send(self, status, ctype, body, etag=None, last_modified=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        if last_modified:
            self.send_header("Last-Modified", last_modified)
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _sources(folder, base):
    path = folder / "sources.yaml"
    path.write_text(f"""
sources:
  porttest:
    title: Port test outlet
    homepage: {base}/
    language: en
    timezone: Asia/Kolkata
    allowed_domains: [127.0.0.1]
    sitemaps: [{base}/sitemap.xml]
    article_pattern: '/news/'
  broken:
    title: An outlet whose entry points all fail
    homepage: {base}/
    language: en
    allowed_domains: [127.0.0.1]
    feeds: [{base}/walled.xml, {base}/moved.xml, {base}/empty.xml, {base}/broken.xml,
            {base}/html-feed.xml, {base}/huge.xml, {base}/slow.xml]
""")
    return {"NEWSRADAR_SOURCES": str(path), "NEWSRADAR_CONTACT_URL": CONTACT}


def _crawl(db_path, env, source, *extra):
    out = run_cli("--db", str(db_path), "crawl", source, "--json", "-s", "RETRY_TIMES=0", *extra, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)[0]


@pytest.fixture(scope="module")
def versions(site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("porttest")
    env = _sources(folder, site)
    db_path = folder / "n.db"
    _Site.version, _Site.seen = 1, []
    first = _crawl(db_path, env, "porttest")
    seen_first = list(_Site.seen)
    _Site.seen = []
    unchanged = _crawl(db_path, env, "porttest")
    seen_unchanged = list(_Site.seen)
    _Site.version, _Site.seen = 2, []
    changed = _crawl(db_path, env, "porttest")
    seen_changed = list(_Site.seen)
    _Site.seen = []
    after = _crawl(db_path, env, "porttest")
    seen_after = list(_Site.seen)
    return db_path, (first, seen_first), (unchanged, seen_unchanged), (changed, seen_changed), (after, seen_after)


def _paths(seen):
    return [s[0] for s in seen]


def test_requests_name_newsradar_and_its_contact_url(versions):
    _, (_, seen), *_ = versions
    assert {s[3] for s in seen} == {f"newsradar/0.1 (+{CONTACT})"}
    assert "/robots.txt" in _paths(seen)


def test_a_304_means_no_work(versions):
    _, _, (run, seen), _, _ = versions
    sitemap = [s for s in seen if s[0] == "/sitemap.xml"]
    assert sitemap and sitemap[0][1] == '"sm-v1"' and sitemap[0][2] == "Mon, 24 Nov 2025 04:00:00 GMT"
    assert "/news/port.html" not in _paths(seen)
    assert (run["status"], run["pages"], run["errors"]) == ("ok", 0, [])


def test_an_article_the_sitemap_lists_as_modified_is_fetched_again(versions):
    db_path, _, _, (run, seen), _ = versions
    assert _paths(seen).count("/news/port.html") == 1
    assert run["articles_updated"] == 1 and run["articles_new"] == 0
    body = open_db(db_path).execute("SELECT body FROM articles").fetchone()[0]
    assert "new berth will open on 1 March" in body


def test_once_updated_it_is_not_fetched_again(versions):
    _, _, _, _, (run, seen) = versions
    assert "/news/port.html" not in _paths(seen) and run["pages"] == 0


def test_every_failure_kind_is_recorded_with_its_reason(site, tmp_path):
    env = _sources(tmp_path, site)
    run = _crawl(tmp_path / "n.db", env, "broken", "-s", "DOWNLOAD_TIMEOUT=1", "-s", "DOWNLOAD_MAXSIZE=100000")
    reasons = {e["url"].rsplit("/", 1)[-1]: e["reason"] for e in run["errors"]}
    assert reasons["walled.xml"] == "HTTP 403 (a bot wall: the site serves a challenge page to crawlers)"
    assert reasons["moved.xml"] == "HTTP 404 (not found; moved or removed)"
    assert reasons["empty.xml"] == "the rss lists no entries"
    assert "not well-formed XML" in reasons["broken.xml"]
    assert "an HTML page, neither a feed nor a sitemap" in reasons["html-feed.xml"]
    assert "too large" in reasons["huge.xml"]
    assert reasons["slow.xml"].startswith("timed out")
    assert run["status"] == "failed"
    stored = list_runs(open_db(tmp_path / "n.db"), source="broken")[0]
    assert stored["status"] == "failed" and stored["errors"] == 7 and len(stored["error_log"]) == 7


def test_extract_fetches_live_with_our_user_agent(site, tmp_path, versions):
    out = run_cli("extract", f"{site}/news/port.html", "--json", env={"NEWSRADAR_CONTACT_URL": CONTACT})
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["is_article"] is True and data["title"] == "Chennai port cargo rises"
    assert {"url", "canonical_url", "title", "body", "published", "modified", "authors", "section",
            "language", "image", "is_article", "reason", "method"} <= set(data)
    text = run_cli("extract", f"{site}/news/port.html")
    assert text.stdout.startswith("an article: ") and "published: 2025-11-24T06:00:00+05:30" in text.stdout


def test_extract_obeys_robots_txt_and_fails_in_one_sentence(site, tmp_path):
    out = run_cli("extract", f"{site}/private/page.html")
    assert out.returncode == 1 and "robots.txt" in out.stderr and "disallows" in out.stderr
    missing = run_cli("extract", f"{site}/nowhere.html")
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    bad = run_cli("extract", "https://example.org/a.html", "--html", str(tmp_path / "absent.html"))
    assert bad.returncode == 1 and "Cannot read" in bad.stderr
    for res in (out, missing, bad):
        assert "Traceback" not in res.stderr
