"""URL hygiene: which links we may follow, and one canonical form per article."""
from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

# Parameters that only say how a reader arrived; they never change the page.
_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|"
    r"ref|ref_src|referrer|src|source|cmpid|ito|from|frm|s_cid|ncid|ocid|yclid|_ga|"
    r"amp|outputType|utm)$",
    re.IGNORECASE,
)
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.", re.IGNORECASE)


def is_followable(url: str, allowed_hosts: frozenset[str] | set[str]) -> bool:
    """Only http(s) links on a source's own hosts become requests (feeds are untrusted)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    return any(host == h or host.endswith("." + h) for h in allowed_hosts)


def canonicalize_url(url: str, *, mobile_hosts: bool = True) -> str:
    """The form under which an article is stored.

    Drops the fragment and tracking parameters, lower-cases scheme and host, maps
    AMP paths (``/amp/...``, ``.../amp``) and ``m.``/``amp.`` hosts to the main page,
    and removes a default port. The path's trailing slash is kept: sites differ on it.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if mobile_hosts and _MOBILE_HOST.match(host) and host.count(".") >= 2:
        host = "www." + host.split(".", 1)[1]
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = parts.path or "/"
    if path.startswith("/amp/"):
        path = path[4:]
    elif path.endswith("/amp/"):
        path = path[: -len("amp/")]
    elif path.endswith("/amp"):
        path = path[: -len("/amp")] or "/"
    elif path.endswith(".amp.html"):
        path = path[: -len(".amp.html")] + ".html"
    # Segments are kept as written: some sites put paths in the query (MEA's ?dtl/40321/Title),
    # which re-encoding would turn into a different URL.
    query = "&".join(seg for seg in parts.query.split("&")
                     if seg and not _TRACKING_PARAMS.match(unquote_plus(seg.split("=", 1)[0])))
    return urlunsplit((scheme, netloc, path, query, ""))
