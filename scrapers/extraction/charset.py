"""Turning a response body into text: HTTP charset, then <meta>, then detection.

Browsers follow the WHATWG encoding rules, and publishers write pages that only
look right under them, so labels are mapped the way a browser maps them
(Shift_JIS is really Windows-31J, ISO-8859-1 is really windows-1252).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from .model import ExtractionError

# WHATWG label -> the Python codec that decodes what such pages really contain.
_SUPERSETS = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "tis-620": "cp874",
    "iso-8859-9": "cp1254",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:\-]+)""", re.I)
_HTMLISH = re.compile(rb"<\s*(?:!doctype|html|head|body|meta|title|div|p|article|script)\b", re.I)
_NOT_HTML_TYPES = re.compile(
    r"^\s*(?:image|audio|video|font)/|^\s*application/(?:pdf|zip|octet-stream|gzip|x-|vnd\.|msword|javascript|json)",
    re.I,
)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")


def _codec(label: str | bytes | None) -> str | None:
    """Python codec name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().strip("\"'").lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _declared_in_page(body: bytes) -> str | None:
    head = body[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    codec = _codec(match.group(1)) if match else None
    # A page served as bytes cannot really be UTF-16 if its <meta> was readable as ASCII.
    if codec and codec.startswith("utf-16"):
        return "utf-8"
    return codec


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode an HTML response body to text.

    The charset comes from the byte-order mark, then the HTTP ``Content-Type``
    header, then the page's own ``<meta charset>`` (or XML declaration), then
    detection. A declared charset that does not decode the bytes is skipped, so a
    Shift_JIS page served as UTF-8 still comes out right.

    Raises ExtractionError for an empty body or a body that is not HTML.
    """
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise ExtractionError("decode_html expects the response body as bytes.")
    body = bytes(body)
    if not body.strip():
        raise ExtractionError("The response body is empty, so there is no page to read.")
    if content_type and _NOT_HTML_TYPES.search(content_type):
        # Some servers label every file application/octet-stream: believe the bytes then.
        if "octet-stream" not in content_type.lower() or not _HTMLISH.search(body[:2048]):
            raise ExtractionError(f"The response is {content_type.split(';')[0].strip()}, not an HTML page.")
    utf16 = body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if body.startswith(_BINARY_MAGIC) or (b"\x00" in body[:1024] and not utf16):
        raise ExtractionError("The response body is binary data, not an HTML page.")

    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = _try(body, codec)
            if text is not None:
                return text

    header = _HEADER_CHARSET.search(content_type or "")
    for codec in (_codec(header.group(1)) if header else None, _declared_in_page(body), "utf-8"):
        text = _try(body, codec)
        if text is not None:
            return text

    best = charset_normalizer.from_bytes(body).best()
    if best is not None and best.encoding:
        codec = _codec(best.encoding) or best.encoding
        text = _try(body, codec)
        if text is not None:
            return text
    return body.decode("utf-8", errors="replace")


def looks_like_html(text: str) -> bool:
    """True when the text has at least one HTML tag near its start."""
    return bool(_HTMLISH.search(text[:20000].encode("utf-8", "ignore")))
