"""Fetching links from strangers: one deadline for the whole fetch, and redirects that cannot pivot.

Every case runs against a real HTTP server on 127.0.0.1.
"""
from __future__ import annotations

import http.server
import ipaddress
import shutil
import ssl
import subprocess
import threading
import time
import urllib.parse

import pytest
from click.testing import CliRunner

from quotes import fetch
from quotes.cli import main

ARTICLE = "“We will win this,” said Mayor Brandon Johnson on Monday.\n".encode()
LONG = ARTICLE * 5000   # many reads, far past what arrives with the headers
DRIP_SECONDS = 0.25     # one byte every DRIP_SECONDS…
DRIP_BYTES = 40         # …for 10 s: longer than every deadline below, shorter than a hung test


class _Server(http.server.BaseHTTPRequestHandler):
    """/page: an article; /long: a long one, then the connection closes; /to?url=U: a redirect to U; /chain/N: N redirects, then the article;
    /loop/a and /loop/b: redirect to each other; /drip/body and /drip/headers: one byte at a time."""
    protocol_version = "HTTP/1.1"
    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        parts = urllib.parse.urlsplit(self.path)
        if parts.path == "/page":
            self._send(200, ARTICLE)
        elif parts.path == "/long":
            self._send(200, LONG, close=True)
        elif parts.path == "/to":
            self._redirect(urllib.parse.parse_qs(parts.query)["url"][0])
        elif parts.path.startswith("/chain/"):
            left = int(parts.path.rsplit("/", 1)[1])
            self._redirect(f"/chain/{left - 1}") if left else self._send(200, ARTICLE)
        elif parts.path.startswith("/loop/"):
            self._redirect("/loop/b" if parts.path.endswith("a") else "/loop/a")
        elif parts.path == "/drip/body":
            self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                       b"Content-Length: %d\r\n\r\n" % DRIP_BYTES, b"x" * DRIP_BYTES)
        elif parts.path == "/drip/headers":
            self._drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"y" * DRIP_BYTES + b"\r\nContent-Length: 0\r\n\r\n")
        else:
            self._send(404, b"not found")

    def _send(self, status: int, body: bytes, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drip(self, head: bytes, slow: bytes) -> None:
        try:
            self.wfile.write(head)
            for byte in slow:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(DRIP_SECONDS)
        except OSError:     # the reader gave up: what it should do
            pass
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Server.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_server_that_sends_one_byte_at_a_time_is_cut_at_the_deadline(server, where):
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match=r"^no complete answer within 1\.5 s$"):
        fetch.fetch(f"{server}/drip/{where}", timeout=1.5)
    assert time.monotonic() - started < 3


def test_index_timeout_bounds_a_dripping_link_and_says_so_in_one_line(server, tmp_path):
    url = f"{server}/drip/body"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["index", url, "--timeout", "2", "--db", str(tmp_path / "i.db"), "--quiet"])
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert result.output == f"quotes: skipped {url}: cannot fetch URL: no complete answer within 2 s\n"


def test_a_long_page_arrives_whole_when_the_server_closes_the_connection_after_it(server):
    assert fetch.fetch(f"{server}/long").data == LONG


def test_a_redirect_between_local_pages_is_followed_when_the_link_given_was_local(server):
    found = fetch.fetch(f"{server}/to?url={urllib.parse.quote(server + '/page')}")
    assert found.data == ARTICLE and found.url == f"{server}/page"


def test_five_redirects_are_followed_and_a_sixth_is_refused(server):
    assert fetch.fetch(f"{server}/chain/5").url == f"{server}/chain/0"
    with pytest.raises(fetch.FetchError, match=r"^more than 5 redirects$"):
        fetch.fetch(f"{server}/chain/6")


def test_a_redirect_loop_is_one_line(server):
    with pytest.raises(fetch.FetchError, match=rf"^redirect loop back to {server}/loop/a$"):
        fetch.fetch(f"{server}/loop/a")


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/story.txt", "file:///etc/passwd"])
def test_a_redirect_out_of_http_is_refused(server, target):
    scheme = target.split(":")[0]
    with pytest.raises(fetch.FetchError, match=rf"^redirect to {scheme}:// refused \(only http and https"):
        fetch.fetch(f"{server}/to?url={urllib.parse.quote(target)}")


def test_index_names_a_refused_redirect_in_one_line(server, tmp_path):
    url = f"{server}/to?url=file:///etc/passwd"
    result = CliRunner().invoke(main, ["index", url, "--db", str(tmp_path / "i.db"), "--quiet"])
    assert result.exit_code == 1
    assert result.output == (f"quotes: skipped {url}: cannot fetch URL: redirect to file:// refused "
                             f"(only http and https links are read)\n")


PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]
INTERNAL = ["127.0.0.1", "127.9.9.9", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:192.168.0.1"]


@pytest.mark.parametrize("target", INTERNAL)
@pytest.mark.parametrize("source", PUBLIC)
def test_a_public_page_cannot_redirect_into_an_internal_address(source, target):
    assert not fetch.may_redirect(ipaddress.ip_address(source), ipaddress.ip_address(target))


@pytest.mark.parametrize("source, target", [("127.0.0.1", "127.0.0.1"), ("127.0.0.1", "10.0.0.2"),
                                            ("192.168.1.1", "93.184.216.34"), ("93.184.216.34", "8.8.8.8")])
def test_redirects_from_internal_addresses_and_between_public_ones_are_followed(source, target):
    assert fetch.may_redirect(ipaddress.ip_address(source), ipaddress.ip_address(target))


def test_after_a_public_hop_a_local_address_is_refused_and_after_a_local_one_connected(server):
    port = urllib.parse.urlsplit(server).port
    with pytest.raises(fetch.FetchError, match=r"^redirect from a public address to 127\.0\.0\.1, a loopback"):
        fetch._connect("127.0.0.1", port, ipaddress.ip_address("93.184.216.34"), time.monotonic() + 5)
    sock, address = fetch._connect("127.0.0.1", port, ipaddress.ip_address("127.0.0.1"), time.monotonic() + 5)
    sock.close()
    assert address == ipaddress.ip_address("127.0.0.1")


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """The same server over TLS, with a certificate for localhost that this process trusts."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))      # OpenSSL's default trust store, read per context
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_an_https_link_is_read_over_a_verified_connection(tls_server):
    assert fetch.fetch(f"https://localhost:{tls_server}/long").data == LONG
    with pytest.raises(fetch.FetchError, match=r"^secure connection failed \(CERTIFICATE_VERIFY_FAILED\)$"):
        fetch.fetch(f"https://127.0.0.1:{tls_server}/page")     # the certificate names localhost only
