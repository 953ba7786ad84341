"""Logs: one line per event, the bot token never written."""
from __future__ import annotations

import json
import logging

from newsradar.logs import OneLineFormatter, RedactFilter

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def _record(msg, *args, exc=None):
    return logging.LogRecord("newsradar.test", logging.ERROR, __file__, 1, msg, args, exc)


def _exc_info():
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        import sys
        return sys.exc_info()


def test_token_is_redacted_in_message_and_traceback():
    record = _record("POST https://api.telegram.org/bot%s/getUpdates", TOKEN, exc=_exc_info())
    RedactFilter([TOKEN]).filter(record)
    line = OneLineFormatter().format(record)
    assert TOKEN not in line and "[token]" in line


def test_shapes_like_a_token_are_redacted_even_when_not_configured():
    record = _record("token was %s", TOKEN)
    RedactFilter([]).filter(record)
    assert TOKEN not in OneLineFormatter().format(record)


def test_a_traceback_stays_on_one_line():
    line = OneLineFormatter().format(_record("crawl failed\nsecond line", exc=_exc_info()))
    assert "\n" not in line and "Traceback" in line and "RuntimeError" in line


def test_json_lines():
    event = json.loads(OneLineFormatter("json").format(_record("hello %s", "world", exc=_exc_info())))
    assert event["message"] == "hello world" and event["level"] == "ERROR" and "RuntimeError" in event["exception"]


def test_a_failed_download_is_one_sentence_without_traceback():
    from newsradar.logs import DownloadErrorFilter

    record = logging.LogRecord("scrapy.downloadermiddlewares.robotstxt", logging.ERROR, __file__, 1,
                               "Error downloading %(request)s: %(f_exception)s",
                               ({"request": "<GET https://x.example/robots.txt>",
                                 "f_exception": "DNS lookup failed: no results for hostname lookup: x.example."},),
                               _exc_info())
    DownloadErrorFilter().filter(record)
    line = OneLineFormatter().format(record)
    assert "Traceback" not in line and "DNS lookup failed" in line
