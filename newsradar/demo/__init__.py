"""The bundled, recorded news web behind `newsradar demo`.

`stories` holds the demo's news stories, `sites` renders a story the way each
publisher's site serves it (article pages, feeds, news sitemaps, robots.txt), and `web`
assembles the whole recorded web and writes it as a WARC file for offline replay.
"""

from newsradar.demo.stories import DemoError, Story
from newsradar.demo.web import (
    DEMO_ARTICLES,
    DEMO_CAPTURE_TIME,
    DEMO_EXPECTED_ALERT_URL,
    DEMO_START_URLS,
    DEMO_WATCH,
    WebRecord,
    build_demo_web,
    write_warc,
)

__all__ = [
    "DEMO_ARTICLES",
    "DEMO_CAPTURE_TIME",
    "DEMO_EXPECTED_ALERT_URL",
    "DEMO_START_URLS",
    "DEMO_WATCH",
    "DemoError",
    "Story",
    "WebRecord",
    "build_demo_web",
    "write_warc",
]
