"""Reading an article from a link: one HTTP GET with a time limit, never a hang.

With no network (or a server that does not answer), the caller gets a one-line reason and
the rest of the batch goes on.
"""
from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 20           # connecting, and each wait for data
MAX_BYTES = 64 * 1024 * 1024   # as for files: larger pages are refused, not read into memory
USER_AGENT = "quotes (https://github.com/quotes; fact-checking quote index)"


class FetchError(Exception):
    """A link that could not be read; the message is the reason, in one line."""


@dataclass(frozen=True)
class Fetched:
    url: str                   # where the page was read from, after redirects
    data: bytes
    content_type: str          # 'text/html', 'text/plain', … ('' where the server gave none)


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def fetch(url: str, timeout: float = TIMEOUT_SECONDS) -> Fetched:
    """The bytes at url. Raises FetchError with the reason (no network, 404, timeout, too large)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise FetchError(f"page larger than {MAX_BYTES // (1024 * 1024)} MiB")
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            return Fetched(response.geturl(), data, content_type)
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, socket.gaierror):
            raise FetchError("host not found (no network, or no such host)") from None
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"no answer within {timeout:g} s") from None
        raise FetchError(str(getattr(reason, "strerror", None) or reason).lower()) from None
    except (TimeoutError, socket.timeout):
        raise FetchError(f"no answer within {timeout:g} s") from None
    except http.client.HTTPException as error:
        raise FetchError(f"broken HTTP answer ({type(error).__name__})") from None
    except (OSError, ValueError) as error:
        raise FetchError(str(error).lower() or type(error).__name__) from None
