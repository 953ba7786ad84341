"""A Telegram Bot API double that speaks real HTTP on 127.0.0.1.

Tests run the real python-telegram-bot client (``Bot``, ``Application`` with polling)
against this server instead of api.telegram.org; nothing in newsradar is mocked. Point
PTB at it with ``base_url=double.base_url`` (``http://127.0.0.1:PORT/bot{token}``).

The double keeps the state Telegram would keep (chats, messages, the update queue, bot
commands), answers with Telegram's JSON shapes and errors, and records every call so a
test can assert what a user would see. It runs in background threads, so the same
object serves an in-process ``Application`` or a ``newsradar run`` subprocess.

    TelegramDouble           the server: start/stop, injection, recording, failures
    ApiFailure               an error answered as ``{"ok": false, ...}``; hooks may raise it
    ApiCall                  one recorded request: (method, params, time)
    TelegramDoubleError      a test used the double wrongly (unknown message, button...)
    check_html(text)         Telegram's HTML parse mode: plain text + entities, or ApiFailure

Run ``python -m tests.support.telegram_double --port 8081`` for a standalone server
that prints what the bot sends and injects ``CHAT_ID TEXT`` lines typed on stdin.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import math
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "ApiCall",
    "ApiFailure",
    "TelegramDouble",
    "TelegramDoubleError",
    "TEST_TOKEN",
    "check_html",
]

TEST_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64

# Telegram answers these update types when allowed_updates is empty or was never set.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post",
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages", "inline_query", "chosen_inline_result",
        "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media",
        "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost",
        "removed_chat_boost",
    }
)

# Parameters Telegram always reads as strings. Everything else sent form-encoded is
# JSON (PTB json-encodes every non-string value), so "123" means the number 123.
_STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "url", "description",
        "short_description", "language_code", "inline_message_id", "query", "name",
        "title", "emoji", "custom_title", "action", "secret_token", "ip_address",
        "business_connection_id", "message_effect_id",
    }
)
_SEND_PREFIXES = ("send", "edit", "copy", "forward", "pin", "unpin", "delete")
_TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
_COMMAND_RE = re.compile(r"(?:(?<=\s)|^)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")
_MENTION_RE = re.compile(r"(?:(?<=\s)|^)@[A-Za-z0-9_]{5,32}\b")
_URL_RE = re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")
_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiCall(NamedTuple):
    """One request the double received, in arrival order."""

    method: str
    params: dict[str, Any]
    time: float  # time.monotonic() on arrival


class TelegramDoubleError(Exception):
    """A test asked the double for something Telegram could not do (say which, in one sentence)."""


class ApiFailure(Exception):
    """An error the double answers with Telegram's error JSON."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ):
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        parameters = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def _bad_request(reason: str) -> ApiFailure:
    return ApiFailure(400, f"Bad Request: {reason}")


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        500: "Internal Server Error",
        502: "Bad Gateway",
    }.get(status, "Error")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------
# HTML parse mode
# --------------------------------------------------------------------------------------

_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_NAMED_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}
_TAG_TYPES = {
    "b": "bold", "strong": "bold",
    "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_NAME_RE = re.compile(r"[A-Za-z0-9-]*")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")


class _HtmlError(Exception):
    pass


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode the character entity at text[i] ('&'); return (character, next index)."""
    match = _ENTITY_RE.match(text, i)
    if not match:
        raise _HtmlError(f'Unsupported entity or unescaped "&" at byte offset {{offset:{i}}}')
    token = match.group(0)
    if token in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[token], match.end()
    number = token[2:-1]
    code = int(number[1:], 16) if number[:1] in "xX" else int(number)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _HtmlError(f"Invalid character entity at byte offset {{offset:{i}}}")
    return chr(code), match.end()


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    pos16 = 0  # UTF-16 length of what is in `out`; entity offsets are counted in it
    stack: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded, i = _decode_entity(text, i)
            out.append(decoded)
            pos16 += _utf16_len(decoded)
            continue
        if ch != "<":
            out.append(ch)
            pos16 += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        start = i
        if text.startswith("</", i):
            name_match = _TAG_NAME_RE.match(text, i + 2)
            name = name_match.group(0).lower()
            j = name_match.end()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise _HtmlError(f"Unclosed end tag at byte offset {{offset:{start}}}")
            if not stack:
                raise _HtmlError(f"Unexpected end tag at byte offset {{offset:{start}}}")
            top = stack[-1]
            if name != top["tag"]:
                raise _HtmlError(
                    f'Unmatched end tag at byte offset {{offset:{start}}}, '
                    f'expected "</{top["tag"]}>", found "</{name}>"'
                )
            stack.pop()
            length = pos16 - top["offset"]
            if length > 0 and top["entity"] is not None:
                entity = {"type": top["entity"], "offset": top["offset"], "length": length}
                entity.update(top["extra"])
                entities.append(entity)
            i = j + 1
            continue
        name_match = _TAG_NAME_RE.match(text, i + 1)
        name = name_match.group(0).lower()
        if name not in _TAG_TYPES:
            raise _HtmlError(f'Unsupported start tag "{name}" at byte offset {{offset:{start}}}')
        attrs: dict[str, str] = {}
        j = name_match.end()
        while True:
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise _HtmlError(f"Unclosed start tag at byte offset {{offset:{start}}}")
            if text[j] == ">":
                j += 1
                break
            attr_match = _ATTR_NAME_RE.match(text, j)
            if not attr_match:
                raise _HtmlError(
                    f'Empty attribute name in the tag "{name}" at byte offset {{offset:{start}}}'
                )
            attr = attr_match.group(0).lower()
            j = attr_match.end()
            value = ""
            if j < n and text[j] == "=":
                j += 1
                if j < n and text[j] in "\"'":
                    quote = text[j]
                    end = text.find(quote, j + 1)
                    if end < 0:
                        raise _HtmlError(f"Unclosed start tag at byte offset {{offset:{start}}}")
                    value_at, raw, j = j + 1, text[j + 1 : end], end + 1
                else:
                    k = j
                    while k < n and not text[k].isspace() and text[k] != ">":
                        k += 1
                    value_at, raw, j = j, text[j:k], k
                value = _unescape_attribute(raw, value_at)
            attrs[attr] = value
        stack.append(_open_tag(name, attrs, pos16, stack, start))
        i = j
    if stack:
        raise _HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _unescape_attribute(raw: str, base: int) -> str:
    parts: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            try:
                decoded, i = _decode_entity(raw, i)
            except _HtmlError as exc:
                # Re-anchor the offset on the whole message text, not the attribute.
                moved = re.sub(r"offset:(\d+)", lambda m: f"offset:{base + int(m.group(1))}", str(exc))
                raise _HtmlError(moved) from None
            parts.append(decoded)
        else:
            parts.append(raw[i])
            i += 1
    return "".join(parts)


def _open_tag(
    name: str, attrs: dict[str, str], offset: int, stack: list[dict[str, Any]], at: int
) -> dict[str, Any]:
    open_tags = [frame["tag"] for frame in stack]
    if "code" in open_tags or ("pre" in open_tags and name != "code"):
        raise _HtmlError(
            f'Tag "{name}" can\'t be nested inside "pre" or "code" at byte offset {{offset:{at}}}'
        )
    if name == "blockquote" and "blockquote" in open_tags:
        raise _HtmlError(f"Blockquotes can't be nested at byte offset {{offset:{at}}}")
    entity: str | None = _TAG_TYPES[name]
    extra: dict[str, Any] = {}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {{offset:{at}}}')
    if name == "a":
        href = attrs.get("href", "")
        if href:
            extra["url"] = href
        else:
            entity = None  # Telegram drops a link without a target and keeps its text
    if name == "tg-emoji":
        if "emoji-id" not in attrs:
            raise _HtmlError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {{offset:{at}}}')
        extra["custom_emoji_id"] = attrs["emoji-id"]
    if name == "blockquote" and "expandable" in attrs:
        entity = "expandable_blockquote"
    if name == "code" and stack and stack[-1]["tag"] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1]["extra"]["language"] = language[len("language-") :]
        entity = None  # <pre><code> is one pre entity
    return {"tag": name, "offset": offset, "entity": entity, "extra": extra}


def check_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse `text` as Telegram's HTML parse mode: return (plain text, entities).

    Raises ApiFailure 400 "Bad Request: can't parse entities: ..." like Telegram for
    unsupported or unbalanced tags, and (stricter than Telegram, which keeps it
    literally) for an ``&`` that does not start &lt; &gt; &amp; &quot; or a numeric
    entity: that is how tests prove web text was escaped.
    """
    try:
        return _parse_html(text)
    except _HtmlError as exc:
        message = re.sub(
            r"\{offset:(\d+)\}",
            lambda m: str(len(text[: int(m.group(1))].encode("utf-8"))),
            str(exc),
        )
        raise _bad_request(f"can't parse entities: {message}") from None


def _strip_message(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace as Telegram does, moving entity offsets along."""
    lead = _utf16_len(text[: len(text) - len(text.lstrip())])
    stripped = text.strip()
    end = _utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        stop = min(entity["offset"] + entity["length"] - lead, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


def _detect_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram's servers add to a message a user typed."""
    found = []
    for kind, pattern in (("bot_command", _COMMAND_RE), ("mention", _MENTION_RE), ("url", _URL_RE)):
        for match in pattern.finditer(text):
            found.append(
                {
                    "type": kind,
                    "offset": _utf16_len(text[: match.start()]),
                    "length": _utf16_len(match.group(0)),
                }
            )
    found.sort(key=lambda e: e["offset"])
    return found


# --------------------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------------------


def _typed(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _parse_body(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    params: dict[str, Any] = {k: _typed(k, v) for k, v in parse_qsl(query, keep_blank_values=True)}
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if kind == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise _bad_request("can't parse JSON object") from None
        if not isinstance(data, dict):
            raise _bad_request("JSON object expected")
        params.update(data)
    elif kind == "multipart/form-data":
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                params[name] = {"filename": filename, "size": len(payload), "data": payload}
            else:
                params[name] = _typed(name, payload.decode(part.get_content_charset() or "utf-8"))
    else:  # application/x-www-form-urlencoded, which is what PTB's HTTPXRequest sends
        text = body.decode("utf-8", errors="replace")
        params.update({k: _typed(k, v) for k, v in parse_qsl(text, keep_blank_values=True)})
    return params


def _as_int(params: dict[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise _bad_request(f"field \"{name}\" must be of type Integer")
    if isinstance(value, (int, float)):
        return int(value)
    try:
        return int(str(value))
    except ValueError:
        raise _bad_request(f"field \"{name}\" must be of type Integer") from None


def _as_json(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad_request(f"can't parse {name} JSON object") from None
    return value


# --------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], double: TelegramDouble):
        self.double = double
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like httpx expects of Telegram
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle's algorithm
        # and the client's delayed ACK add ~40 ms to every kept-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.double._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.double._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass  # the double records calls itself; stderr noise would bury test output

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._serve()

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        url = urlsplit(self.path)
        double = self.server.double
        double._count_in_flight(+1)
        try:
            self._answer(double, url, body)
        finally:
            double._count_in_flight(-1)

    def _answer(self, double: TelegramDouble, url: Any, body: bytes) -> None:
        if double.latency > 0:
            time.sleep(double.latency)
        try:
            status, payload = double._dispatch(
                url.path, self.headers.get("Content-Type", ""), body, url.query
            )
        except Exception as exc:  # a double bug must reach the test, not vanish in a thread
            double._record_error(exc)
            status, payload = 500, ApiFailure(500, "Internal Server Error").payload()
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client went away (cancelled long poll)


class TelegramDouble:
    """A fake Telegram Bot API server on loopback; see the module docstring.

    Thread-safe: the HTTP side runs in server threads, tests call the methods below
    from the test thread. All recorded data is returned as copies.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "newsradar_test_bot",
        first_name: str = "newsradar test",
        token: str | None = None,
        first_update_id: int = 700000000,
        strict_chats: bool = False,
    ):
        self.host = host
        self.port = port
        self.username = username
        self.first_name = first_name
        self.token = token  # when set, any other token is answered 401 Unauthorized
        self.strict_chats = strict_chats  # when set, sending to an unseen chat is 400
        # Called with each message record before it counts as sent, under the double's
        # lock (keep it short); raising ApiFailure fails that send instead.
        self.on_send: Callable[[dict[str, Any]], None] | None = None
        self.latency = 0.0  # seconds every answer is held back, to model a slow network

        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._closing = False

        self.token_seen: set[str] = set()
        self._calls: list[ApiCall] = []
        self._sent: list[dict[str, Any]] = []
        self._edits: list[dict[str, Any]] = []
        self._deleted: list[dict[str, Any]] = []
        self._answers: list[dict[str, Any]] = []
        self._errors: list[BaseException] = []

        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._chat_members: dict[int, list[int]] = {}
        self._admins: dict[int, tuple[int | None, list[int]]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._blocked: set[int] = set()
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)

        self._updates: list[dict[str, Any]] = []
        self._next_update_id = first_update_id
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._in_flight = 0  # requests between arrival and the end of their answer
        self._webhook_url = ""
        self._commands: dict[str, list[dict[str, str]]] = {}

        self._fail_next: list[tuple[str, ApiFailure]] = []
        self._fail_until: list[tuple[str, int, float, str | None]] = []
        self._flood_limits: list[tuple[str, int, float]] = []  # (scope, count, window seconds)
        self._flood_log: dict[tuple[str, int], deque[float]] = {}

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> TelegramDouble:
        """Bind and serve in a background thread; `.url` is valid afterwards."""
        with self._lock:
            if self._server is not None:
                return self
            self._closing = False
        self._listen()
        return self

    def stop(self) -> None:
        """Stop serving, answer pending long polls and close every open connection."""
        deadline = time.monotonic() + 1
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            # Let waiting getUpdates calls send their empty answer before the sockets close.
            while self._in_flight and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
        self._unlisten()

    def __enter__(self) -> TelegramDouble:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def refuse_connections(self) -> None:
        """Close the listening socket and every open connection: clients get refused."""
        self._unlisten()

    def accept_connections(self) -> None:
        """Listen again on the same port after `refuse_connections`."""
        with self._lock:
            if self._server is not None:
                return
        self._listen()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: ``http://127.0.0.1:PORT/bot{token}``."""
        return f"{self.url}/bot{{token}}"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot{{token}}"

    def _listen(self) -> None:
        server = _Server((self.host, self.port), self)
        self.port = server.server_address[1]
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"telegram-double:{self.port}",
            daemon=True,
        )
        with self._lock:
            self._server, self._thread = server, thread
        thread.start()

    def _unlisten(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
            connections = list(self._connections)
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _count_in_flight(self, delta: int) -> None:
        with self._changed:
            self._in_flight += delta
            self._changed.notify_all()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ----------------------------------------------------------------- chats and users

    def add_chat(
        self,
        chat_id: int,
        chat_type: str | None = None,
        *,
        title: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Make a chat known (private chats are also made known by user messages)."""
        with self._lock:
            chat = self._chat(chat_id, chat_type)
            if title is not None and chat["type"] != "private":
                chat["title"] = title
            if username is not None:
                chat["username"] = username
            return dict(chat)

    def set_admins(self, chat_id: int, user_ids: Iterable[int], *, creator: int | None = None) -> None:
        """Fix who administers a group; everyone else is then a plain member."""
        with self._lock:
            self._admins[chat_id] = (creator, [u for u in user_ids if u != creator])

    def block_chat(self, chat_id: int) -> None:
        """Sends to this chat now fail with 403, as if the user blocked the bot."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

    def _chat(self, chat_id: int, chat_type: str | None = None) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_type is None:
                if chat_id > 0:
                    chat_type = "private"
                else:
                    chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
            if chat_type == "private" and chat_id <= 0:
                raise TelegramDoubleError(f"a private chat's id is its user's id, so {chat_id} cannot be one.")
            if chat_type != "private" and chat_id > 0:
                raise TelegramDoubleError(f"a {chat_type} chat needs a negative id, not {chat_id}.")
            chat = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                user = self._user(chat_id)
                chat["first_name"] = user["first_name"]
                if "username" in user:
                    chat["username"] = user["username"]
            else:
                chat["title"] = f"Test {chat_type} {chat_id}"
            self._chats[chat_id] = chat
        elif chat_type is not None and chat["type"] != chat_type:
            raise TelegramDoubleError(f"chat {chat_id} is a {chat['type']} chat, not a {chat_type} one.")
        return chat

    def _user(self, user_id: int, username: str | None = None) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "en"}
            self._users[user_id] = user
        if username:
            user["username"] = username
        return user

    def _resolve_chat(self, params: dict[str, Any], name: str = "chat_id") -> dict[str, Any]:
        value = params.get(name)
        if value is None or value == "":
            raise _bad_request(f"{name} is empty")
        if isinstance(value, str) and value.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == value[1:].lower():
                    return chat
            raise _bad_request("chat not found")
        chat_id = _as_int(params, name)
        assert chat_id is not None
        if chat_id == 0:
            raise _bad_request("chat not found")
        if chat_id not in self._chats and self.strict_chats:
            raise _bad_request("chat not found")
        return self._chat(chat_id)

    def _bot_user(self, token: str) -> dict[str, Any]:
        match = _TOKEN_RE.match(token)
        bot_id = int(match.group(1)) if match else 1
        return {"id": bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    # ----------------------------------------------------------------- injection

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _push_update(self, kind: str, obj: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, kind: obj})
        self._changed.notify_all()
        return update_id

    def send_user_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        username: str | None = None,
    ) -> int:
        """A user writes `text` in a chat; return the update_id of the Message update."""
        if not text:
            raise TelegramDoubleError("Telegram clients cannot send an empty message.")
        with self._changed:
            if user_id is None:
                user_id = chat_id if chat_type == "private" else 10_000 + abs(chat_id) % 1_000_000
            if chat_type == "private" and user_id != chat_id:
                raise TelegramDoubleError(
                    f"in a private chat the sender is the chat, so user_id {user_id} cannot write in chat {chat_id}."
                )
            user = self._user(user_id, username)
            chat = self._chat(chat_id, chat_type)
            members = self._chat_members.setdefault(chat_id, [])
            if user_id not in members:
                members.append(user_id)
            return self._post_incoming("message", chat, text, {"from": dict(user)})

    def _post_incoming(self, kind: str, chat: dict[str, Any], text: str, sender: dict[str, Any]) -> int:
        """Store a message a user or channel wrote (with the entities Telegram adds) and queue its update."""
        chat_id = chat["id"]
        message = {"message_id": self._new_message_id(chat_id), **sender, "chat": dict(chat),
                   "date": int(time.time()), "text": text}
        entities = _detect_entities(text)
        if entities:
            message["entities"] = entities
        self._messages[(chat_id, message["message_id"])] = {**message, "_from_bot": False}
        return self._push_update(kind, message)

    def press_button(self, chat_id: int, message_id: int, data: str, user_id: int | None = None) -> int:
        """A user presses the inline button carrying `data`; return the update_id."""
        with self._changed:
            stored = self._messages.get((chat_id, message_id))
            if stored is None:
                raise TelegramDoubleError(f"there is no message {message_id} in chat {chat_id} to press a button on.")
            offered = [
                button.get("callback_data")
                for row in (stored.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in row
                if "callback_data" in button
            ]
            if data not in offered:
                raise TelegramDoubleError(
                    f"message {message_id} in chat {chat_id} has no button with data {data!r} (it offers {offered})."
                )
            chat = self._chats[chat_id]
            if user_id is None:
                user_id = chat_id if chat["type"] == "private" else 10_000 + abs(chat_id) % 1_000_000
            query_id = str(next(self._callback_ids))
            query = {
                "id": query_id,
                "from": dict(self._user(user_id)),
                "message": _public_message(stored),
                "chat_instance": str(abs(hash(("chat", chat_id))) % 10**18),
                "data": data,
            }
            self._callback_queries[query_id] = {"answered": False}
            return self._push_update("callback_query", query)

    def add_channel_post(self, chat_id: int, text: str, *, title: str | None = None, username: str | None = None) -> int:
        """A post appears in a channel the bot administers; return the update_id."""
        with self._changed:
            chat = self._chat(chat_id, "channel")
            if title:
                chat["title"] = title
            if username:
                chat["username"] = username
            return self._post_incoming("channel_post", chat, text, {"sender_chat": dict(chat)})

    # ----------------------------------------------------------------- failures

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Answer the next `count` calls of `method` ("*" for any) with this error."""
        if status == 429 and retry_after is None:
            retry_after = 1
        failure = ApiFailure(
            status, description or _default_description(status, retry_after), retry_after=retry_after
        )
        with self._lock:
            self._fail_next.extend([(method.lower(), failure)] * count)

    def fail_for(self, method: str, status: int, seconds: float, description: str | None = None) -> None:
        """Answer every call of `method` ("*" for any) with `status` for `seconds`.

        A 429 carries the seconds left (rounded up) as retry_after, like Telegram's flood wait.
        """
        with self._lock:
            self._fail_until.append((method.lower(), status, time.monotonic() + seconds, description))

    def enforce_flood_limits(
        self,
        *,
        global_per_second: int | None = 30,
        group_per_minute: int | None = 20,
        private_per_second: int | None = None,
    ) -> None:
        """Answer sendMessage with 429 once the bot sends faster than Telegram allows.

        The defaults are the limits Telegram documents (30 messages a second overall,
        20 a minute per group); retry_after is the wait until the window has room.
        Pass None to lift one limit; `disable_flood_limits()` lifts them all.
        """
        limits = []
        if global_per_second:
            limits.append(("global", global_per_second, 1.0))
        if group_per_minute:
            limits.append(("group", group_per_minute, 60.0))
        if private_per_second:
            limits.append(("private", private_per_second, 1.0))
        with self._lock:
            self._flood_limits = limits
            self._flood_log.clear()

    def disable_flood_limits(self) -> None:
        with self._lock:
            self._flood_limits = []
            self._flood_log.clear()

    def _check_flood(self, chat: dict[str, Any]) -> list[deque[float]]:
        """Raise 429 if one more message to `chat` breaks a limit; else the logs to append to."""
        now = time.monotonic()
        logs = []
        for scope, count, window in self._flood_limits:
            if scope == "global":
                key = (scope, 0)
            elif scope == "private" and chat["type"] == "private":
                key = (scope, chat["id"])
            elif scope == "group" and chat["type"] != "private":
                key = (scope, chat["id"])
            else:
                continue
            log = self._flood_log.setdefault(key, deque())
            while log and log[0] <= now - window:
                log.popleft()
            if len(log) >= count:
                retry_after = max(1, math.ceil(log[0] + window - now))
                raise ApiFailure(429, _default_description(429, retry_after), retry_after=retry_after)
            logs.append(log)
        return logs

    def clear_failures(self) -> None:
        with self._lock:
            self._fail_next.clear()
            self._fail_until.clear()

    def _injected_failure(self, method: str) -> ApiFailure | None:
        key = method.lower()
        for index, (target, failure) in enumerate(self._fail_next):
            if target in (key, "*"):
                del self._fail_next[index]
                return failure
        now = time.monotonic()
        self._fail_until = [entry for entry in self._fail_until if entry[2] > now]
        for target, status, until, description in self._fail_until:
            if target in (key, "*"):
                retry_after = max(1, math.ceil(until - now)) if status == 429 else None
                return ApiFailure(
                    status, description or _default_description(status, retry_after), retry_after=retry_after
                )
        return None

    # ----------------------------------------------------------------- recording

    @property
    def calls(self) -> list[ApiCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The params of every call of `method`, oldest first."""
        with self._lock:
            return [copy.deepcopy(c.params) for c in self._calls if c.method.lower() == method.lower()]

    @property
    def commands(self) -> list[dict[str, str]]:
        """The bot's command list for the default scope and language, as setMyCommands left it."""
        with self._lock:
            return copy.deepcopy(self._commands.get(_scope_key(None, ""), []))

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot sent, oldest first: chat_id, message_id, text (as sent),
        plain_text (what the user sees), parse_mode, entities, reply_markup, ..."""
        with self._lock:
            return [copy.deepcopy(m) for m in self._sent if chat_id is None or m["chat_id"] == chat_id]

    def edits(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """editMessageText / editMessageReplyMarkup calls that succeeded, oldest first."""
        with self._lock:
            return [copy.deepcopy(m) for m in self._edits if chat_id is None or m["chat_id"] == chat_id]

    def deleted(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(m) for m in self._deleted if chat_id is None or m["chat_id"] == chat_id]

    def callback_answers(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(a) for a in self._answers]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The message as the chat shows it now (after edits), or None if absent or deleted."""
        with self._lock:
            stored = self._messages.get((chat_id, message_id))
            return None if stored is None else _public_message(stored)

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return len(self._updates)

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised inside the double or its on_send hook (answered as 500)."""
        with self._lock:
            return list(self._errors)

    def _record_error(self, exc: BaseException) -> None:
        with self._changed:
            self._errors.append(exc)
            self._changed.notify_all()

    def wait_for_sent(self, n: int, chat_id: int | None = None, timeout: float = 10) -> list[dict[str, Any]]:
        """Block until the bot has sent at least `n` messages (to `chat_id` if given)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [m for m in self._sent if chat_id is None or m["chat_id"] == chat_id]
                remaining = deadline - time.monotonic()
                if len(found) >= n or remaining <= 0:
                    break
                self._changed.wait(remaining)
            if len(found) >= n:
                return copy.deepcopy(found)
            where = "" if chat_id is None else f" to chat {chat_id}"
            recent = [c.method for c in self._calls[-10:]]
            raise AssertionError(
                f"expected at least {n} messages sent{where} within {timeout}s, saw {len(found)}: "
                f"{[m['text'] for m in found]!r}; last API calls: {recent}"
                + (f"; errors inside the double: {self._errors!r}" if self._errors else "")
            )

    def wait_for_call(self, method: str, n: int = 1, timeout: float = 10) -> list[ApiCall]:
        """Block until `method` was called at least `n` times (e.g. "getUpdates": the bot polls)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self._calls if c.method.lower() == method.lower()]
                remaining = deadline - time.monotonic()
                if len(found) >= n or remaining <= 0:
                    break
                self._changed.wait(remaining)
            if len(found) < n:
                raise AssertionError(
                    f"expected {method} to be called {n} times within {timeout}s, saw {len(found)}; "
                    f"calls: {[c.method for c in self._calls[-10:]]}"
                )
            return found

    def wait_for_confirmed(self, update_id: int, timeout: float = 10) -> None:
        """Block until the bot confirmed `update_id` (asked for a later offset)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while any(u["update_id"] <= update_id for u in self._updates):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"update {update_id} was not confirmed by getUpdates within {timeout}s.")
                self._changed.wait(remaining)

    # ----------------------------------------------------------------- dispatch

    def _dispatch(self, path: str, content_type: str, body: bytes, query: str) -> tuple[int, dict[str, Any]]:
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", path)
        if path.startswith("/file/"):
            return 404, ApiFailure(404, "Not Found").payload()
        if not match:
            return 404, ApiFailure(404, "Not Found").payload()
        token, method_name = match.groups()
        try:
            params = _parse_body(content_type, body, query)
        except ApiFailure as failure:
            params, early = {}, failure
        else:
            early = None
        method = _METHODS.get(method_name.lower())
        canonical = method[0] if method else method_name
        with self._changed:
            self._calls.append(ApiCall(canonical, params, time.monotonic()))
            self.token_seen.add(token)
            self._changed.notify_all()
            if not _TOKEN_RE.match(token):
                return 404, ApiFailure(404, "Not Found").payload()
            if self.token is not None and token != self.token:
                return 401, ApiFailure(401, "Unauthorized").payload()
            if method is None:
                return 404, ApiFailure(404, "Not Found").payload()
            if early is not None:
                return early.status, early.payload()
        try:
            if canonical == "getUpdates":
                result = self._get_updates(params)
            else:
                with self._changed:
                    failure = self._injected_failure(canonical)
                    if failure is not None:
                        raise failure
                    result = getattr(self, method[1])(token, params)
                    self._changed.notify_all()
        except ApiFailure as failure:
            return failure.status, failure.payload()
        return 200, {"ok": True, "result": result}

    def _check_blocked(self, chat: dict[str, Any]) -> None:
        if chat["id"] in self._blocked:
            reason = {
                "private": "bot was blocked by the user",
                "group": "bot was kicked from the group chat",
                "supergroup": "bot was kicked from the supergroup chat",
                "channel": "bot is not a member of the channel chat",
            }[chat["type"]]
            raise ApiFailure(403, f"Forbidden: {reason}")

    # ----------------------------------------------------------------- Bot API methods

    def _api_get_me(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(token),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_true(self, token: str, params: dict[str, Any]) -> bool:
        return True

    def _api_set_webhook(self, token: str, params: dict[str, Any]) -> bool:
        self._webhook_url = str(params.get("url") or "")
        return True

    def _api_delete_webhook(self, token: str, params: dict[str, Any]) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates") in (True, "true"):
            self._updates.clear()
        return True

    def _api_get_webhook_info(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _api_set_my_commands(self, token: str, params: dict[str, Any]) -> bool:
        commands = _as_json(params, "commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("too many commands")
        clean = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad_request("can't parse BotCommand JSON object")
            name, text = str(item.get("command", "")), str(item.get("description", ""))
            if not _BOT_COMMAND_NAME_RE.match(name.removeprefix("/")):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(text) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name.removeprefix("/"), "description": text})
        key = _scope_key(_as_json(params, "scope"), str(params.get("language_code") or ""))
        self._commands[key] = clean
        return True

    def _api_get_my_commands(self, token: str, params: dict[str, Any]) -> list[dict[str, str]]:
        key = _scope_key(_as_json(params, "scope"), str(params.get("language_code") or ""))
        return copy.deepcopy(self._commands.get(key, []))

    def _api_delete_my_commands(self, token: str, params: dict[str, Any]) -> bool:
        key = _scope_key(_as_json(params, "scope"), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    def _api_get_chat(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member(self, chat: dict[str, Any], user_id: int, token: str) -> dict[str, Any]:
        bot = self._bot_user(token)
        user = bot if user_id == bot["id"] else self._user(user_id)
        if chat["type"] == "private":
            status = "creator" if user_id == chat["id"] else "member"
        elif chat["id"] in self._admins:
            creator, admins = self._admins[chat["id"]]
            status = "creator" if user_id == creator else "administrator" if user_id in admins else "member"
        else:
            status = "member" if user_id == bot["id"] else "administrator"
        return _member_json(dict(user), status)

    def _api_get_chat_member(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        user_id = _as_int(params, "user_id")
        if user_id is None:
            raise _bad_request("user_id is empty")
        return self._member(chat, user_id, token)

    def _api_get_chat_administrators(self, token: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._resolve_chat(params)
        if chat["type"] == "private":
            raise _bad_request("there are no administrators in the private chat")
        if chat["id"] in self._admins:
            creator, admins = self._admins[chat["id"]]
            ids = ([creator] if creator is not None else []) + admins
        else:
            ids = list(self._chat_members.get(chat["id"], []))
        return [self._member(chat, user_id, token) for user_id in ids]

    def _api_send_chat_action(self, token: str, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params)
        self._check_blocked(chat)
        if not params.get("action"):
            raise _bad_request("action is empty")
        return True

    def _render_text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        text = params.get("text")
        if text is None or text == "":
            raise _bad_request("message text is empty")
        text = str(text)
        parse_mode = str(params.get("parse_mode") or "")
        if parse_mode.lower() == "html":
            plain, entities = check_html(text)
        elif parse_mode and parse_mode.lower() not in ("markdown", "markdownv2"):
            raise _bad_request("unsupported parse_mode")
        else:
            # Markdown modes are not modelled: the text is shown as sent.
            plain, entities = text, []
        plain, entities = _strip_message(plain, entities)
        if not plain:
            raise _bad_request("message text is empty")
        if len(plain) > MAX_MESSAGE_LENGTH:
            raise _bad_request("message is too long")
        return plain, entities

    def _api_send_message(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params)
        self._check_blocked(chat)
        plain, entities = self._render_text(params)
        markup = _check_markup(_as_json(params, "reply_markup"))
        flood_logs = self._check_flood(chat)
        reply_to = _as_int(params, "reply_to_message_id")
        reply_parameters = _as_json(params, "reply_parameters")
        if isinstance(reply_parameters, dict) and reply_parameters.get("message_id") is not None:
            reply_to = int(reply_parameters["message_id"])
        reply_message = None
        if reply_to is not None:
            reply_message = self._messages.get((chat["id"], reply_to))
            allow = params.get("allow_sending_without_reply") in (True, "true") or (
                isinstance(reply_parameters, dict) and reply_parameters.get("allow_sending_without_reply")
            )
            if reply_message is None and not allow:
                raise _bad_request("message to be replied not found")
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "from": self._bot_user(token),
            "chat": dict(chat),
            "date": int(time.time()),
            "text": plain,
        }
        if entities:
            message["entities"] = entities
        if markup is not None:
            message["reply_markup"] = markup
        if reply_message is not None:
            message["reply_to_message"] = _public_message(reply_message)
        record = {
            "chat_id": chat["id"],
            "message_id": message["message_id"],
            "text": str(params["text"]),
            "plain_text": plain,
            "parse_mode": params.get("parse_mode"),
            "entities": entities,
            "reply_markup": markup,
            "reply_to_message_id": reply_to,
            "disable_notification": params.get("disable_notification") in (True, "true"),
            "link_preview_options": _as_json(params, "link_preview_options"),
            "date": message["date"],
            "time": time.monotonic(),
        }
        if self.on_send is not None:
            try:
                self.on_send(copy.deepcopy(record))
            except ApiFailure:
                self._next_message_id[chat["id"]] -= 1
                raise
            except Exception as exc:  # a broken hook must show up in the test, not kill the server
                self._errors.append(exc)
                raise ApiFailure(500, "Internal Server Error: on_send hook failed") from exc
        self._messages[(chat["id"], message["message_id"])] = {**message, "_from_bot": True}
        self._sent.append(record)
        for log in flood_logs:
            log.append(record["time"])
        return message

    def _editable(self, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        if params.get("inline_message_id"):
            raise _bad_request("inline messages are not supported by the test double")
        chat = self._resolve_chat(params)
        self._check_blocked(chat)
        message_id = _as_int(params, "message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        stored = self._messages.get((chat["id"], message_id))
        if stored is None:
            raise _bad_request("message to edit not found")
        if not stored["_from_bot"]:
            raise _bad_request("message can't be edited")
        return chat, stored

    def _finish_edit(
        self,
        kind: str,
        chat: dict[str, Any],
        stored: dict[str, Any],
        params: dict[str, Any],
        changes: dict[str, Any],
    ) -> dict[str, Any]:
        current = {key: stored.get(key) for key in changes}
        if current == changes:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        for key, value in changes.items():
            if value in (None, []):
                stored.pop(key, None)
            else:
                stored[key] = value
        stored["edit_date"] = int(time.time())
        self._edits.append(
            {
                "kind": kind,
                "chat_id": chat["id"],
                "message_id": stored["message_id"],
                "text": str(params["text"]) if "text" in params else None,
                "plain_text": stored.get("text"),
                "parse_mode": params.get("parse_mode"),
                "reply_markup": stored.get("reply_markup"),
                "time": time.monotonic(),
            }
        )
        return _public_message(stored)

    def _api_edit_message_text(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat, stored = self._editable(params)
        plain, entities = self._render_text(params)
        markup = _check_markup(_as_json(params, "reply_markup"))
        # Telegram drops an inline keyboard that the edit does not repeat.
        changes = {"text": plain, "entities": entities or None, "reply_markup": markup}
        return self._finish_edit("text", chat, stored, params, changes)

    def _api_edit_message_reply_markup(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat, stored = self._editable(params)
        markup = _check_markup(_as_json(params, "reply_markup"))
        return self._finish_edit("reply_markup", chat, stored, params, {"reply_markup": markup})

    def _api_delete_message(self, token: str, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params)
        message_id = _as_int(params, "message_id")
        if message_id is None or (chat["id"], message_id) not in self._messages:
            raise _bad_request("message to delete not found")
        del self._messages[(chat["id"], message_id)]
        self._deleted.append({"chat_id": chat["id"], "message_id": message_id, "time": time.monotonic()})
        return True

    def _api_answer_callback_query(self, token: str, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_queries:
            raise _bad_request("query is too old and response timeout expired or query ID is invalid")
        self._callback_queries[query_id]["answered"] = True
        self._answers.append(
            {
                "callback_query_id": query_id,
                "text": params.get("text"),
                "show_alert": params.get("show_alert") in (True, "true"),
                "url": params.get("url"),
            }
        )
        return True

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _as_int(params, "offset")
        limit = min(max(_as_int(params, "limit", 100) or 100, 1), 100)
        try:
            timeout = max(float(params.get("timeout") or 0), 0.0)
        except (TypeError, ValueError):
            raise _bad_request('field "timeout" must be of type Integer') from None
        allowed = _as_json(params, "allowed_updates")
        with self._changed:
            failure = self._injected_failure("getUpdates")
            if failure is not None:
                raise failure
            if self._webhook_url:
                raise ApiFailure(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
            # A newer getUpdates terminates an older one that is still waiting.
            self._poll_generation += 1
            generation = self._poll_generation
            self._changed.notify_all()
            deadline = time.monotonic() + timeout
            while True:
                if offset is not None:
                    if offset < 0:
                        self._updates = self._updates[offset:]
                    else:
                        self._updates = [u for u in self._updates if u["update_id"] >= offset]
                # Updates of types the bot did not ask for are dropped, as on Telegram.
                self._updates = [u for u in self._updates if _update_type(u) in self._allowed_updates]
                self._changed.notify_all()
                batch = self._updates[:limit]
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self._closing:
                    return copy.deepcopy(batch)
                self._changed.wait(remaining)
                if self._poll_generation != generation:
                    raise ApiFailure(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )


def _update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def _scope_key(scope: Any, language_code: str) -> str:
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + language_code


def _public_message(stored: dict[str, Any]) -> dict[str, Any]:
    return {key: copy.deepcopy(value) for key, value in stored.items() if not key.startswith("_")}


def _member_json(user: dict[str, Any], status: str) -> dict[str, Any]:
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        rights = dict.fromkeys(
            (
                "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info",
                "can_invite_users", "can_post_stories", "can_edit_stories",
                "can_delete_stories", "can_pin_messages",
            ),
            True,
        )
        return {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False, **rights}
    return {"status": "member", "user": user}


def _check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup the way Telegram does for the cases bots get wrong."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise _bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad_request("BUTTON_DATA_INVALID")
            elif "url" in button:
                scheme = urlsplit(str(button["url"])).scheme.lower()
                if scheme not in ("http", "https", "tg"):
                    raise _bad_request(
                        f"inline keyboard button URL '{button['url']}' is invalid: Unsupported URL protocol"
                    )
    return markup


# Bot API method name (lower case, Telegram matches case-insensitively) ->
# (canonical name, TelegramDouble method that answers it).
_METHODS: dict[str, tuple[str, str]] = {
    name.lower(): (name, handler)
    for name, handler in (
        ("getMe", "_api_get_me"),
        ("logOut", "_api_true"),
        ("close", "_api_true"),
        ("setWebhook", "_api_set_webhook"),
        ("deleteWebhook", "_api_delete_webhook"),
        ("getWebhookInfo", "_api_get_webhook_info"),
        ("getUpdates", "_get_updates"),
        ("setMyCommands", "_api_set_my_commands"),
        ("getMyCommands", "_api_get_my_commands"),
        ("deleteMyCommands", "_api_delete_my_commands"),
        ("getChat", "_api_get_chat"),
        ("getChatMember", "_api_get_chat_member"),
        ("getChatAdministrators", "_api_get_chat_administrators"),
        ("sendChatAction", "_api_send_chat_action"),
        ("sendMessage", "_api_send_message"),
        ("editMessageText", "_api_edit_message_text"),
        ("editMessageReplyMarkup", "_api_edit_message_reply_markup"),
        ("deleteMessage", "_api_delete_message"),
        ("answerCallbackQuery", "_api_answer_callback_query"),
    )
}


def main(argv: list[str] | None = None) -> int:
    """Serve the double until interrupted; inject `CHAT_ID TEXT` lines read from stdin."""
    parser = argparse.ArgumentParser(description="A fake Telegram Bot API server for manual runs.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--username", default="newsradar_test_bot")
    args = parser.parse_args(argv)
    double = TelegramDouble(host=args.host, port=args.port, username=args.username)

    def show(record: dict[str, Any]) -> None:
        print(f"bot -> {record['chat_id']}: {record['plain_text']}", flush=True)

    double.on_send = show
    try:
        double.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Telegram double listening at {double.url} (base_url {double.base_url})", flush=True)
    print("type 'CHAT_ID TEXT' to send a user message; Ctrl-C stops", flush=True)
    try:
        for line in sys.stdin:
            chat, _, text = line.strip().partition(" ")
            if not chat:
                continue
            try:
                update_id = double.send_user_message(int(chat), text)
            except (ValueError, TelegramDoubleError) as exc:
                print(f"not sent: {exc}", flush=True)
            else:
                print(f"user {chat} -> bot: {text} (update {update_id})", flush=True)
        threading.Event().wait()  # stdin closed (e.g. run in the background): keep serving
    except KeyboardInterrupt:
        pass
    finally:
        double.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
