"""Recording a crawl to WARC and replaying one from it, as Scrapy downloader middlewares.

Replay answers every request from the WARC file (a request it does not hold gets a
404, never the network). It hands Scrapy the recorded body as stored, with its
Content-Encoding, so the usual middlewares (decompression, redirects, robots.txt)
behave exactly as on a live crawl. Record writes each response as it came off the
wire, before decompression.
"""
from __future__ import annotations

import datetime as dt
import logging
from io import BytesIO
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url as w3_canonical
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

# Hop-by-hop or transfer framing headers describe the original connection, not the body we serve.
_DROP_HEADERS = {b"transfer-encoding", b"connection", b"keep-alive"}


class WarcError(ValueError):
    """A WARC file that cannot be used, in one sentence."""


_ARCHIVES: dict[tuple[str, int], "WarcArchive"] = {}


class WarcArchive:
    """An index of a WARC file's response records by URL, read lazily by offset."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.offsets: dict[str, int] = {}
        self.capture_dates: dict[str, str] = {}
        try:
            with self.path.open("rb") as fh:
                # The index needs only the WARC headers; HTTP headers are parsed on read.
                it = ArchiveIterator(fh, no_record_parse=True)
                for record in it:
                    if record.rec_type != "response":
                        continue
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    offset = it.get_record_offset()
                    # The last capture of a URL wins, as in a re-crawl.
                    self.offsets[uri] = offset
                    self.offsets.setdefault(w3_canonical(uri), offset)
                    self.capture_dates[uri] = record.rec_headers.get_header("WARC-Date")
        except FileNotFoundError:
            raise WarcError(f"The WARC file {self.path} does not exist.") from None
        except (ArchiveLoadFailed, OSError, ValueError) as exc:
            raise WarcError(f"{self.path} is not a readable WARC file ({exc}).") from None

    def __len__(self) -> int:
        return len(self.capture_dates)

    @classmethod
    def shared(cls, path: str | Path) -> "WarcArchive":
        """One index per file and version per process: every spider of a crawl shares it."""
        path = Path(path)
        try:
            key = (str(path.resolve()), path.stat().st_mtime_ns)
        except OSError:
            return cls(path)  # says, in one sentence, what is wrong with it
        archive = _ARCHIVES.get(key)
        if archive is None:
            archive = _ARCHIVES[key] = cls(path)
        return archive

    def latest_capture(self) -> dt.datetime | None:
        """When the newest record was captured: the 'now' of a replayed crawl."""
        dates = [d for d in self.capture_dates.values() if d]
        if not dates:
            return None
        return max(dt.datetime.fromisoformat(d.replace("Z", "+00:00")) for d in dates)

    def lookup(self, url: str) -> int | None:
        offset = self.offsets.get(url)
        if offset is None:
            offset = self.offsets.get(w3_canonical(url))
        return offset

    def read(self, offset: int, maxsize: int) -> tuple[int, list[tuple[str, str]], bytes, str | None]:
        """(status, headers, raw body, capture date) of the record at ``offset``."""
        with self.path.open("rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            status = int(record.http_headers.get_statuscode() or 200)
            headers = list(record.http_headers.headers)
            chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)
            stream = record.content_stream() if chunked else record.raw_stream
            body = stream.read(maxsize + 1 if maxsize else -1)
            if chunked:  # content_stream() has also decoded the body
                headers = [(k, v) for k, v in headers if k.lower() != "content-encoding"]
            return status, headers, body, record.rec_headers.get_header("WARC-Date")


class WarcReplayMiddleware:
    """Serve every request from ``NEWSRADAR_REPLAY_WARC``; never touch the network."""

    def __init__(self, archive: WarcArchive, maxsize: int):
        self.archive = archive
        self.maxsize = maxsize

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("NEWSRADAR_REPLAY_WARC")
        if not path:
            raise NotConfigured
        return cls(WarcArchive.shared(path), crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_request(self, request: Request) -> Response:
        offset = self.archive.lookup(request.url)
        if offset is None:
            logger.debug("replay: %s is not in the WARC, answering 404", request.url)
            return Response(url=request.url, status=404, body=b"", request=request)
        status, headers, body, date = self.archive.read(offset, self.maxsize)
        if date:
            # A replayed crawl happens at capture time: freshness is judged from then.
            request.meta["capture_time"] = dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
        if self.maxsize and len(body) > self.maxsize:
            raise IgnoreRequest(
                f"replayed response for {request.url} is larger than DOWNLOAD_MAXSIZE ({self.maxsize} bytes)"
            )
        scrapy_headers = Headers()
        for name, value in headers:
            if name.lower().encode() not in _DROP_HEADERS:
                scrapy_headers.appendlist(name, value)
        scrapy_headers.pop(b"Content-Length", None)
        respcls = responsetypes.from_args(headers=scrapy_headers, url=request.url, body=body)
        return respcls(
            url=request.url, status=status, headers=scrapy_headers, body=body, request=request,
            flags=["replayed"],
        )


class WarcRecordMiddleware:
    """Append every response, as received, to ``NEWSRADAR_RECORD_WARC`` (gzip)."""

    def __init__(self, path: str):
        self.path = Path(path)
        self._fh = None
        self._writer: WARCWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("NEWSRADAR_RECORD_WARC")
        if not path:
            raise NotConfigured
        mw = cls(path)
        crawler.signals.connect(mw.close, signal=signals.engine_stopped)
        return mw

    def _writer_open(self) -> WARCWriter:
        if self._writer is None:
            self._fh = self.path.open("ab")
            self._writer = WARCWriter(self._fh, gzip=True)
        return self._writer

    def process_response(self, request: Request, response: Response) -> Response:
        write_exchange(self._writer_open(), request, response)
        self._fh.flush()
        return response

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = self._writer = None


def write_exchange(writer: WARCWriter, request: Request, response: Response,
                   capture_time: dt.datetime | None = None) -> None:
    """Write a request and its response record (the response body as received)."""
    when = (capture_time or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    req_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, vs in request.headers.items() for v in vs]
    path = request.url.split("/", 3)[3] if request.url.count("/") >= 3 else ""
    req_record = writer.create_warc_record(
        request.url, "request", payload=BytesIO(request.body or b""),
        http_headers=StatusAndHeaders(f"{request.method} /{path} HTTP/1.1", req_headers, is_http_request=True),
        warc_headers_dict={"WARC-Date": when},
    )
    resp_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                    for k, vs in response.headers.items() for v in vs
                    if k.lower() not in _DROP_HEADERS]
    resp_record = writer.create_warc_record(
        response.url, "response", payload=BytesIO(response.body), length=len(response.body),
        http_headers=StatusAndHeaders(f"{response.status} {_reason(response.status)}", resp_headers,
                                      protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": when},
    )
    writer.write_request_response_pair(req_record, resp_record)


def _reason(status: int) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
