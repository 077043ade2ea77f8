"""Reading an article from a link: one HTTP GET under one deadline, never a hang, never a pivot.

With no network, or a server that does not answer or answers a byte at a time, the caller
gets a one-line reason and the rest of the batch goes on. The deadline covers the whole
fetch (resolving, connecting, the headers and the body of every redirect): a per-read limit
would let a server that sends one byte every few seconds hold a run forever.

A link is a stranger's: it may redirect anywhere. Redirects are followed to http(s) links
only, at most MAX_REDIRECTS of them, and never from a public address into a loopback, private
or link-local one (a page on the internet must not make quotes read the user's router or an
internal service). A link the user gives to such an address is read: they chose it.
"""
from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass

TIMEOUT_SECONDS = 20           # the whole fetch, redirects included
MAX_BYTES = 64 * 1024 * 1024   # as for files: larger pages are refused, not read into memory
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
SCHEMES = ("http", "https")
USER_AGENT = "quotes (https://github.com/quotes; fact-checking quote index)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A link that could not be read; the message is the reason, in one line."""


@dataclass(frozen=True)
class Fetched:
    url: str                   # where the page was read from, after redirects
    data: bytes
    content_type: str          # 'text/html', 'text/plain', … ('' where the server gave none)


@dataclass(frozen=True)
class _Answer:
    """What one GET gave."""
    status: int
    reason: str
    location: str | None        # where a redirect points
    page: Fetched | None        # the page, where the status is 2xx
    address: Address            # the address it came from


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def is_internal(address: Address) -> bool:
    """Loopback, private, link-local or otherwise not reachable from the internet at large."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped       # ::ffff:127.0.0.1 is 127.0.0.1
    return not address.is_global


def may_redirect(source: Address, target: Address) -> bool:
    """Whether a page served from `source` may send the reader on to `target`: anywhere, except
    from a public address into an internal one."""
    return is_internal(source) or not is_internal(target)


def fetch(url: str, timeout: float | None = None) -> Fetched:
    """The bytes at url, read within `timeout` seconds (None: TIMEOUT_SECONDS). Raises FetchError
    with the reason (no network, 404, deadline passed, too large, a redirect refused)."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + timeout
    visited: list[str] = []
    source: Address | None = None       # the address that sent the last redirect
    try:
        while True:
            visited.append(url)
            answer = _get(url, source, deadline)
            if answer.page is not None:
                return answer.page
            if answer.status not in REDIRECTS:
                raise FetchError(f"HTTP {answer.status} {answer.reason}")
            if not answer.location:
                raise FetchError(f"HTTP {answer.status} redirect with no Location")
            source = answer.address
            url = urllib.parse.urljoin(url, answer.location.strip())
            if url in visited:
                raise FetchError(f"redirect loop back to {url}")
            if len(visited) > MAX_REDIRECTS:
                raise FetchError(f"more than {MAX_REDIRECTS} redirects")
            if urllib.parse.urlsplit(url).scheme.lower() not in SCHEMES:
                raise FetchError(f"redirect to {_scheme_of(url)} refused (only http and https links are read)")
    except TimeoutError:
        raise FetchError(f"no complete answer within {timeout:g} s") from None
    except socket.gaierror:
        raise FetchError("host not found (no network, or no such host)") from None
    except ssl.SSLError as error:
        raise FetchError(f"secure connection failed ({error.reason or type(error).__name__})") from None
    except http.client.HTTPException as error:
        raise FetchError(f"broken HTTP answer ({type(error).__name__})") from None
    except (OSError, ValueError, UnicodeError) as error:
        raise FetchError(str(getattr(error, "strerror", None) or error).lower() or type(error).__name__) from None


def _scheme_of(url: str) -> str:
    return urllib.parse.urlsplit(url).scheme.lower() + "://"


def _get(url: str, source: Address | None, deadline: float) -> _Answer:
    """One GET, from an address that may be read after `source` (None: any address)."""
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        raise FetchError("link with no host")
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    sock, address = _connect(parts.hostname, port, source, deadline)
    if https:       # the handshake, too, ends by the deadline
        try:
            sock.settimeout(_left(deadline))
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        except BaseException:
            sock.close()
            raise
    connection = _Connection(parts.hostname, port, sock, deadline, default_port=443 if https else 80)
    try:
        connection.putrequest("GET", _target(parts), skip_accept_encoding=True)
        for name, value in (("User-Agent", USER_AGENT), ("Accept", "text/html, text/plain"),
                            ("Accept-Encoding", "identity"), ("Connection", "close")):
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        if not 200 <= response.status < 300:
            return _Answer(response.status, response.reason, response.getheader("Location"), None, address)
        data = response.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise FetchError(f"page larger than {MAX_BYTES // (1024 * 1024)} MiB")
        content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
        return _Answer(response.status, response.reason, None, Fetched(url, data, content_type), address)
    finally:
        connection.close()
        sock.close()


def _target(parts: urllib.parse.SplitResult) -> str:
    """The request target: path and query, with spaces and non-ASCII characters percent-encoded."""
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return urllib.parse.quote(target, safe="!#$%&'()*+,/:;=?@[]~")


def _connect(host: str, port: int, source: Address | None, deadline: float) -> tuple[socket.socket, Address]:
    """A socket connected to one of host's addresses that may be read after `source`.

    The name is resolved once, here, and the socket connects to the address checked, not to the
    name again: a name that resolves to a public address for the check and to 127.0.0.1 for the
    connection (DNS rebinding) has no second resolution to exploit.
    """
    problem: Exception | None = None
    for family, kind, proto, _, sockaddr in _resolve(host, port, deadline):
        address = ipaddress.ip_address(sockaddr[0].partition("%")[0])
        if source is not None and not may_redirect(source, address):
            problem = FetchError(f"redirect from a public address to {address}, a loopback, private or "
                                 f"link-local address, refused")
            continue
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(_left(deadline))
            sock.connect(sockaddr)
            return sock, address
        except OSError as error:
            sock.close()
            if isinstance(error, TimeoutError):
                raise
            problem = error
    raise problem or FetchError(f"no address for {host}")


def _resolve(host: str, port: int, deadline: float) -> list[tuple]:
    """getaddrinfo under the deadline: it takes no timeout of its own, and a resolver that does not
    answer would otherwise hold the fetch for its own retries (tens of seconds)."""
    found: list = []

    def look_up() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as error:  # noqa: BLE001 - handed to the caller below
            found.append(error)

    worker = threading.Thread(target=look_up, daemon=True)
    worker.start()
    worker.join(_left(deadline))
    if not found:
        raise TimeoutError
    if isinstance(found[0], Exception):
        raise found[0]
    return found[0]


def _left(deadline: float) -> float:
    """Seconds left before the deadline; TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


class _DeadlineReader(io.RawIOBase):
    """The socket's bytes, each read waiting no later than the deadline: what a server that
    sends one byte at a time cannot stretch."""

    def __init__(self, sock: socket.socket, deadline: float):
        self.sock = sock
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.sock.settimeout(_left(self.deadline))
        return self.sock.recv_into(buffer)


class _DeadlineSocket:
    """What http.client needs of a socket (sendall, makefile, close), under the deadline."""

    def __init__(self, sock: socket.socket, deadline: float):
        self.sock = sock
        self.deadline = deadline

    def sendall(self, data: bytes) -> None:
        self.sock.settimeout(_left(self.deadline))
        self.sock.sendall(data)

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self.sock, self.deadline))

    def close(self) -> None:
        # http.client closes the connection as soon as it has the headers of an answer that ends
        # with the connection, and reads the body after: the socket is closed by _get, once read.
        pass


class _Connection(http.client.HTTPConnection):
    """http.client's request and response handling over a socket already connected (and checked)."""

    def __init__(self, host: str, port: int, sock: socket.socket, deadline: float, default_port: int):
        self.default_port = default_port        # the Host header names the port only where it is not this
        super().__init__(host, port)
        self.sock = _DeadlineSocket(sock, deadline)

    def connect(self) -> None:
        raise http.client.NotConnected("the socket is connected before the request")
