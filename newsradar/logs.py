"""Logging set-up: one line per event, and secrets never written."""
from __future__ import annotations

import json
import logging
import os
import re
import sys

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactFilter(logging.Filter):
    """Replace the bot token (and anything shaped like one) in every record."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[token]")
        return _TOKEN_SHAPE.sub("[token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class OneLineFormatter(logging.Formatter):
    """``time level logger: message``, with any traceback folded onto the same line,
    so every event is one line for grep and journald; or one JSON object per line."""

    def __init__(self, style: str = "text"):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.json = style == "json"

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        exc = " | ".join(line.strip() for line in (record.exc_text or "").splitlines() if line.strip())
        if self.json:
            event = {"time": self.formatTime(record), "level": record.levelname,
                     "logger": record.name, "message": message}
            if exc:
                event["exception"] = exc
            return json.dumps(event, ensure_ascii=False)
        line = f"{self.formatTime(record)} {record.levelname} {record.name}: {message}"
        line = line.replace("\n", " | ")
        return f"{line} | {exc}" if exc else line


class DownloadErrorFilter(logging.Filter):
    """Scrapy logs a failed download (DNS, refused, timeout) with its whole traceback;
    the message already names the error, and the spider records it per run, so the
    traceback is dropped: a network outage is one line, not forty."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("scrapy") and record.exc_info and \
                str(record.msg).startswith(("Error downloading", "Gave up retrying")):
            record.exc_info = None
            record.exc_text = None
        return True


def setup_logging(level: str = "INFO", secrets: list[str] | None = None, style: str | None = None) -> None:
    """Log to stderr, one line per event; ``style`` "json" (or NEWSRADAR_LOG_FORMAT=json) for JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(style or os.environ.get("NEWSRADAR_LOG_FORMAT", "text")))
    handler.addFilter(DownloadErrorFilter())
    handler.addFilter(RedactFilter(secrets or []))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    set_level(level)
    # httpx logs every request URL, which carries the bot token: keep it quiet.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def set_level(level: str | int) -> None:
    """Set the level on the root logger and its handlers (Scrapy sets its own loggers to DEBUG)."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        handler.setLevel(level)
