"""Alert text: Telegram HTML and plain console text. Pure functions; web text is always escaped."""
from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

TELEGRAM_LIMIT = 4096
SNIPPET_CHARS = 280


def _published(alert: dict, tz: str | None) -> str | None:
    text = alert.get("published")
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if tz:
        when = when.astimezone(ZoneInfo(tz))
    return when.strftime("%d %b %Y, %H:%M %Z").replace("UTC", "UTC").strip()


def snippet(alert: dict, limit: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A short stretch of the body around the first body hit, and the hit spans inside it."""
    body = alert.get("body") or alert.get("summary") or ""
    hits = [h for h in alert.get("hits") or [] if h.get("field") == "body"]
    if not body:
        return "", []
    start = 0
    if hits:
        first = min(h["start"] for h in hits)
        start = max(0, body.rfind(" ", 0, max(0, first - 60)) + 1) if first > 60 else 0
    end = min(len(body), start + limit)
    if end < len(body):
        cut = body.rfind(" ", start, end)
        end = cut if cut > start else end
    spans = [(h["start"] - start, h["end"] - start) for h in hits if h["start"] >= start and h["end"] <= end]
    text = body[start:end].replace("\n", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    offset = len(prefix)
    return prefix + text + suffix, [(a + offset, b + offset) for a, b in sorted(set(spans))]


def _bold_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for a, b in spans:
        if a < pos:
            continue
        out.append(html.escape(text[pos:a], quote=False))
        out.append(f"<b>{html.escape(text[a:b], quote=False)}</b>")
        pos = b
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def _also_line(also: list[dict], titles: dict[str, str]) -> str:
    links = [
        f'<a href="{html.escape(a["url"], quote=True)}">'
        f'{html.escape(titles.get(a["source"]) or a["source"], quote=False)}</a>'
        for a in also
    ]
    return "Also reported by " + ", ".join(links)


def render_alert_html(alert: dict, *, tz: str | None = None, source_title: str | None = None,
                      also: list[dict] | None = None, source_titles: dict[str, str] | None = None) -> str:
    """The Telegram message for one alert (parse_mode HTML), under Telegram's length limit.

    ``also`` lists other outlets' copies of the same story (source, url), shown as links.
    """
    titles = source_titles or {}
    title = html.escape(alert.get("title") or "(untitled)", quote=False)
    url = html.escape(alert["url"], quote=True)
    source = html.escape(source_title or titles.get(alert.get("source")) or alert.get("source") or "", quote=False)
    when = _published(alert, tz)
    rule = alert.get("rule_name") or alert.get("rule") or ""
    head = [f'<a href="{url}">{title}</a>',
            " · ".join(x for x in (source, html.escape(when or "", quote=False)) if x)]
    tail = [f"Matched your rule: <code>{html.escape(rule, quote=False)}</code>"]
    if also:
        tail.append(_also_line(also, titles))
    text, spans = snippet(alert)
    lines = head + ([_bold_spans(text, spans)] if text else []) + tail
    message = "\n".join(lines)
    if len(message) > TELEGRAM_LIMIT:
        # Only the snippet and the "also" list can be long enough to matter; drop the
        # snippet, then shorten the list, rather than cut inside a tag.
        message = "\n".join(head + tail)
        while also and len(message) > TELEGRAM_LIMIT:
            also = also[:-1]
            tail = tail[:1] + ([_also_line(also, titles) + " …"] if also else [])
            message = "\n".join(head + tail)
    return message


def _item_line(alert: dict, tz: str | None, titles: dict[str, str]) -> str:
    when = _published(alert, tz)
    source = titles.get(alert.get("source")) or alert.get("source") or ""
    meta = " · ".join(x for x in (source, when) if x)
    title = html.escape(alert.get("title") or "(untitled)", quote=False)
    return f'• <a href="{html.escape(alert["url"], quote=True)}">{title}</a> — {html.escape(meta, quote=False)}'


def render_digest_html(alerts: list[dict], *, heading: str, tz: str | None = None,
                       source_titles: dict[str, str] | None = None) -> str:
    """Several alerts as one message, grouped by rule, newest rule groups first; fits the limit."""
    titles = source_titles or {}
    groups: dict[str, list[dict]] = {}
    for alert in alerts:
        groups.setdefault(alert.get("rule_name") or alert.get("rule") or "", []).append(alert)
    n = len(alerts)
    lines = [f"<b>{html.escape(heading, quote=False)}: {n} {'story' if n == 1 else 'stories'}</b>"]
    shown = 0
    for rule, items in groups.items():
        block = ["", f"<code>{html.escape(rule, quote=False)}</code>"]
        for alert in items:
            line = _item_line(alert, tz, titles)
            if len("\n".join(lines + block + [line])) > TELEGRAM_LIMIT - 40:
                break
            block.append(line)
            shown += 1
        if len(block) > 2:
            lines += block
        if shown < n and len("\n".join(lines)) > TELEGRAM_LIMIT - 200:
            break
    if shown < n:
        lines.append(f"…and {n - shown} more.")
    return "\n".join(lines)


def render_alert_text(alert: dict, *, tz: str | None = None) -> str:
    """The same alert for a terminal."""
    when = _published(alert, tz)
    text, _ = snippet(alert, limit=200)
    rule = alert.get("rule_name") or alert.get("rule") or ""
    parts = [
        f"ALERT for chat {alert['chat_id']} (rule: {rule})",
        f"  {alert.get('title')}",
        f"  {alert.get('source')}{' · ' + when if when else ''}",
        f"  {alert['url']}",
    ]
    if text:
        parts.append(f"  {text}")
    return "\n".join(parts)
