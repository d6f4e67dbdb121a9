"""Web sources: the tables a bureau's listing page (统计数据 / 统计月报) links to, fetched politely with httpx.

One request at a time, `delay_s` between two, a User-Agent naming bipin. A linked table is fetched
again only when it changed: a conditional GET (If-None-Match / If-Modified-Since from the ledger),
then the content hash. A linked page that is itself the table is saved as .html.
"""

from __future__ import annotations

import email.message
import re
import ssl
import time
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

import httpx
import lxml.html
from lxml import etree

from flows.config.pull import WebSource
from flows.pull import ledger
from flows.pull.faults import describe, with_retries
from flows.pull.store import Garbage, Item, Landing

HTML_TYPES = ("text/html", "application/xhtml+xml")


class Polite:
    """An httpx client that waits `delay_s` between two requests and names bipin in its User-Agent."""

    def __init__(self, source: WebSource, user_agent: str, sleep: Callable[[float], None] = time.sleep):
        verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=source.ca_file) if source.ca_file else True
        self.client = httpx.Client(headers={"User-Agent": user_agent}, timeout=source.timeout_s, verify=verify,
                                   follow_redirects=True)
        self.delay_s, self.sleep, self._last = source.delay_s, sleep, None

    def stream(self, url: str, headers: dict | None = None):
        if self._last is not None:
            self.sleep(max(0.0, self.delay_s - (time.monotonic() - self._last)))
        self._last = time.monotonic()
        return self.client.stream("GET", url, headers=headers or {})

    def close(self) -> None:
        self.client.close()


def pull_web(source: WebSource, landing: Landing, user_agent: str, dry_run: bool = False,
             sleep: Callable[[float], None] = time.sleep) -> tuple[list[str], list[str]]:
    """Land every new or changed table the listing links to. Returns (failures, warnings), a line per link:
    a link that kept failing (5xx, network) is a failure; one the site says is gone (4xx) a warning."""
    http = Polite(source, user_agent, sleep)
    try:
        links = with_retries(lambda: listing_links(http, source), source.retries, source.backoff_s, sleep)
        known = ledger.known_versions(landing.con, source.code)
        problems: list[str] = []
        warnings: list[str] = []
        for url, text in links:
            if dry_run:
                if url not in known:
                    landing.landed.would_pull.append(url)
                continue
            try:
                with_retries(lambda url=url, text=text: fetch_table(http, source, landing, url, text),
                             source.retries, source.backoff_s, sleep)
            except (httpx.HTTPError, OSError, Garbage) as exc:
                gone = isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code < 500
                (warnings if gone else problems).append(describe(exc, url)[1])
        return problems, warnings
    finally:
        http.close()


def listing_links(http: Polite, source: WebSource) -> list[tuple[str, str]]:
    """(absolute URL, link text) of every link on the listing page that matches link_pattern, in page order."""
    with http.stream(source.url) as response:
        response.raise_for_status()
        body = response.read()
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        base = str(response.url)
    if kind and kind not in HTML_TYPES:
        raise Garbage(f"the listing page is {kind}, not a web page")
    try:
        text = body.decode(source.charset, errors="replace") if source.charset else None
        doc = lxml.html.document_fromstring(text if text is not None else body)
    except (etree.ParserError, ValueError) as exc:
        raise Garbage(f"the listing page cannot be read as HTML ({exc})") from None
    pattern = re.compile(source.link_pattern, re.IGNORECASE)
    found: dict[str, str] = {}
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        label = " ".join(a.text_content().split())
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        if pattern.search(unquote(href)) or pattern.search(label):
            found.setdefault(urljoin(base, href), label)
    return list(found.items())[:source.max_links]


def fetch_table(http: Polite, source: WebSource, landing: Landing, url: str, label: str) -> None:
    """One conditional GET; a 304 or the same bytes again changes nothing."""
    seen = landing.last_seen(url)
    headers = {}
    if seen is not None and seen.etag:
        headers["If-None-Match"] = seen.etag
    if seen is not None and seen.last_modified:
        headers["If-Modified-Since"] = seen.last_modified
    with http.stream(url, headers) as response:
        if response.status_code == 304:
            landing.landed.unchanged += 1
            return
        response.raise_for_status()
        length = response.headers.get("content-length")
        item = Item(remote_id=url, name=file_name(response, url, label), provenance=f"{url} (listed on {source.url})",
                    etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"))
        # iter_raw: the bytes as sent (Content-Length counts them), decompressed by the reader, not here
        chunks = response.iter_raw() if "content-encoding" not in response.headers else response.iter_bytes()
        landing.receive(item, chunks, int(length) if length and "content-encoding" not in response.headers else None)


def file_name(response: httpx.Response, url: str, label: str) -> str:
    """Content-Disposition's name (RFC 6266/2231, or raw GBK), else the link's text or the URL's last part;
    a web page gets .html so ingest reads it as the table it is."""
    name = _disposition_name(response)
    path_name = unquote(PurePosixPath(urlparse(url).path).name)
    suffix = PurePosixPath(name or path_name).suffix.lower()
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not name:
        name = f"{label}{suffix}" if label and suffix and not label.lower().endswith(suffix) else (label or path_name)
    if kind in HTML_TYPES and suffix not in (".html", ".htm"):
        name = f"{PurePosixPath(name).stem if suffix else name}.html"
    return name or "page.html"


def _disposition_name(response: httpx.Response) -> str | None:
    raw = next((v for k, v in response.headers.raw if k.lower() == b"content-disposition"), None)
    if raw is None:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            value = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    message = email.message.Message()
    message["content-disposition"] = value
    return message.get_filename()
