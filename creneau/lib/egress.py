"""The egress guard: what the browser may reach is decided where the connection is made.

Checking a booking URL before the visit (:func:`creneau.lib.urlsafety.check_public_url`) is
not enough: Chromium resolves the name again (a hostile DNS server can answer 127.0.0.1 the
second time), follows redirects and loads images, scripts and ``fetch()`` targets from any
address. So every request of a guarded browser context goes through this small forward proxy,
which for each request

1. refuses a port other than 80 and 443 (booking sites use nothing else; ``ws://`` and
   ``wss://`` are tunnelled to the same ports) — 403;
2. resolves the host **once** (:func:`creneau.lib.urlsafety.resolve`) and refuses when any
   address is not public (:func:`creneau.lib.urlsafety.is_public`) — 403, logged;
3. connects to *the address it checked*, never to the name, so there is no second resolution
   to rebind;
4. ``CONNECT host:port``: answers 200 and copies bytes both ways (TLS is never intercepted: the
   guard sees a host name and a port, nothing of the content);
   ``GET http://host/path`` (absolute form): rewrites it to origin form with
   ``Connection: close`` and pipes it; the response head gets ``Connection: close`` too, so the
   browser never reuses an unchecked connection for another host.

Everything is bounded: request and response heads, name resolution, connection and idle time.
Refusals and failures carry an ``X-Creneau-Egress`` header with the reason, which the browser
seam turns into a clear ``PageSnapshot.error``.

The guard listens on 127.0.0.1 (a free port) in an asyncio loop on a daemon thread; the process
starts one on first use (:func:`guard`).
"""

import asyncio
import contextlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from creneau.lib import urlsafety
from creneau.lib.urlsafety import IPAddress

log = logging.getLogger(__name__)

PORTS = frozenset({80, 443})
HEADER = "X-Creneau-Egress"
MAX_REQUEST_HEAD = 16 * 1024
MAX_RESPONSE_HEAD = 64 * 1024  # a site's cookies can be large
CHUNK = 64 * 1024
RESOLVE_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 10.0
IDLE_TIMEOUT_S = 120.0  # an assisted session's page may wait minutes for a person
REMEMBERED_REFUSALS = 256
# Hop-by-hop headers (RFC 9110 §7.6.1) and the proxy's own: never forwarded.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer"}
    | {"upgrade", "proxy-authenticate"}
)
PHRASES = {400: "Bad Request", 403: "Forbidden", 431: "Request Header Fields Too Large"}
PHRASES |= {501: "Not Implemented", 502: "Bad Gateway", 504: "Gateway Timeout"}

Resolver = Callable[[str, int], Sequence[IPAddress]]


class Refusal(Exception):
    """The guard answers ``status`` instead of forwarding; ``reason`` is a short English text."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _resolve(host: str, port: int) -> Sequence[IPAddress]:
    return urlsafety.resolve(host, port)  # looked up at each call: tests stand in for DNS there


async def _shutdown(server: asyncio.Server) -> None:
    server.close()
    connections = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in connections:
        task.cancel()
    await asyncio.gather(*connections, return_exceptions=True)


class EgressGuard:
    """A forward proxy that only reaches public addresses; see the module docstring.

    ``ports=None`` accepts any port, and ``routes`` maps host names to a fixed address taken as
    public without resolution: both are test seams (a local server posing as a public site on a
    random port). The process guard (:func:`guard`) uses neither.
    """

    def __init__(
        self,
        *,
        resolver: Resolver = _resolve,
        ports: frozenset[int] | None = PORTS,
        routes: Mapping[str, IPAddress] | None = None,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
    ) -> None:
        self.resolver = resolver
        self.ports = ports
        self.routes = {host.lower(): address for host, address in (routes or {}).items()}
        self.idle_timeout_s = idle_timeout_s
        self.port = 0
        self.pid = os.getpid()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._refusals: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "EgressGuard":
        threading.Thread(target=self._loop.run_forever, name="creneau-egress", daemon=True).start()
        opening = asyncio.start_server(self._serve, "127.0.0.1", 0, limit=MAX_REQUEST_HEAD)
        self._server = asyncio.run_coroutine_threadsafe(opening, self._loop).result()
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the listener and every open connection, then stop the loop: all of it on the
        loop's own thread (asyncio objects are not thread-safe)."""
        server, self._server = self._server, None
        if server is not None:
            closing = asyncio.run_coroutine_threadsafe(_shutdown(server), self._loop)
            with contextlib.suppress(TimeoutError):
                closing.result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def refusal_for(self, host: str) -> str:
        """Why the last request to ``host`` was refused (or could not be forwarded), if it was."""
        with self._lock:
            return self._refusals.get(host.lower(), "")

    # --- one client connection ---------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: asyncio.StreamWriter | None = None
        try:
            head = await self._read_head(reader, MAX_REQUEST_HEAD, 431)
            method, target, headers = _parse_request(head)
            if method == "CONNECT":
                host, port = _authority(target)
                upstream_reader, upstream = await self._open(host, port)
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                await self._tunnel(reader, writer, upstream_reader, upstream)
            else:
                host, port, path = _absolute(target)
                length = _body_length(headers)
                upstream_reader, upstream = await self._open(host, port)
                upstream.write(_origin_request(method, path, host, port, headers))
                await self._copy_exactly(reader, upstream, length)
                await self._relay_response(upstream_reader, writer, host)
        except Refusal as refusal:
            writer.write(_answer(refusal))
        except (OSError, EOFError, TimeoutError):
            pass  # a side went away or fell silent: close both
        finally:
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()

    async def _read_head(self, reader: asyncio.StreamReader, limit: int, status: int) -> bytes:
        try:
            return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.idle_timeout_s)
        except asyncio.LimitOverrunError:
            raise Refusal(status, f"header over {limit} bytes") from None
        except asyncio.IncompleteReadError as exc:
            raise EOFError from exc

    async def _open(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """(1) the port, (2) resolve once and check, (3) connect to a checked address."""
        try:
            if self.ports is not None and port not in self.ports:
                raise Refusal(403, f"port {port} refused (only 80 and 443)")
            addresses = await self._checked(host, port)
            return await self._connect(host, addresses, port)
        except Refusal as refusal:
            self._remember(host, refusal.reason)
            raise

    async def _checked(self, host: str, port: int) -> Sequence[IPAddress]:
        routed = self.routes.get(host.lower())
        if routed is not None:
            return [routed]
        resolving = self._loop.run_in_executor(None, self.resolver, host, port)
        try:
            addresses = await asyncio.wait_for(resolving, RESOLVE_TIMEOUT_S)
        except (urlsafety.UnsafeURLError, OSError):
            raise Refusal(502, f"{host} does not resolve") from None
        except TimeoutError:
            raise Refusal(504, f"{host} took too long to resolve") from None
        refused = [a for a in addresses if not urlsafety.is_public(a)]
        if refused or not addresses:
            where = refused[0] if refused else "nothing"
            log.warning("egress guard refused %s:%s, which resolves to %s", host, port, where)
            said = f"{host} is" if host == str(where) else f"{host} resolves to {where},"
            raise Refusal(403, f"{said} a local or private address")
        return addresses

    async def _connect(
        self, host: str, addresses: Sequence[IPAddress], port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        failure = ""
        for address in addresses:  # the checked addresses, never the name again
            opening = asyncio.open_connection(str(address), port, limit=MAX_RESPONSE_HEAD)
            try:
                return await asyncio.wait_for(opening, CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError) as exc:
                failure = f"{address}: {exc or 'timed out'}"
        raise Refusal(502, f"{host}:{port} unreachable ({failure})")

    def _remember(self, host: str, reason: str) -> None:
        with self._lock:
            self._refusals[host.lower()] = reason
            self._refusals.move_to_end(host.lower())
            while len(self._refusals) > REMEMBERED_REFUSALS:
                self._refusals.popitem(last=False)

    # --- moving bytes --------------------------------------------------------------------------

    async def _read(self, reader: asyncio.StreamReader, size: int) -> bytes:
        return await asyncio.wait_for(reader.read(size), self.idle_timeout_s)

    async def _copy_exactly(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, length: int
    ) -> None:
        while length > 0:
            data = await self._read(reader, min(CHUNK, length))
            if not data:
                raise EOFError
            length -= len(data)
            writer.write(data)
            await writer.drain()

    async def _relay_response(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str
    ) -> None:
        try:
            head = await self._read_head(reader, MAX_RESPONSE_HEAD, 502)
        except EOFError:
            raise Refusal(502, f"{host} closed the connection without answering") from None
        writer.write(_closing_response_head(head))
        while data := await self._read(reader, CHUNK):
            writer.write(data)
            await writer.drain()

    async def _tunnel(
        self,
        client_reader: asyncio.StreamReader,
        client: asyncio.StreamWriter,
        upstream_reader: asyncio.StreamReader,
        upstream: asyncio.StreamWriter,
    ) -> None:
        """Copy both ways until both ends close, or nothing moved for the idle timeout."""
        last = [self._loop.time()]

        async def one_way(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while True:
                try:
                    data = await self._read(reader, CHUNK)
                except TimeoutError:
                    if self._loop.time() - last[0] < self.idle_timeout_s:
                        continue  # the other direction is busy (a download, a long poll)
                    return
                except OSError:
                    return
                if not data:
                    if writer.can_write_eof() and not writer.is_closing():
                        writer.write_eof()
                    return
                last[0] = self._loop.time()
                writer.write(data)
                try:
                    await writer.drain()
                except OSError:
                    return

        await asyncio.gather(one_way(client_reader, upstream), one_way(upstream_reader, client))


# --- parsing (pure) ----------------------------------------------------------------------------


def _parse_request(head: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    """(method, target, headers) of a request head; :class:`Refusal` 400 when malformed."""
    lines = head.decode("latin-1").split("\r\n")[:-2]
    parts = lines[0].split(" ") if lines else []
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise Refusal(400, "malformed request line")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or line[0] in " \t":
            raise Refusal(400, "malformed header")
        headers.append((name, value.strip()))
    return parts[0].upper(), parts[1], headers


def _authority(target: str) -> tuple[str, int]:
    """host and port of a ``CONNECT`` target (``host:443``, ``[2001:db8::1]:443``)."""
    try:
        parts = urlsplit("//" + target)
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None or "@" in target or parts.path:
        raise Refusal(400, "CONNECT needs host:port")
    return host, port


def _absolute(target: str) -> tuple[str, int, str]:
    """host, port and origin-form path of an absolute-form ``http://`` request target."""
    try:
        parts = urlsplit(target)
        host, port = parts.hostname, parts.port or 80
    except ValueError:
        host, port = None, 80
    if parts.scheme.lower() != "http" or not host or "@" in parts.netloc:
        raise Refusal(400, "only absolute http:// targets (https goes through CONNECT)")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return host, port, path


def _body_length(headers: Sequence[tuple[str, str]]) -> int:
    if any(name.lower() == "transfer-encoding" for name, _ in headers):
        # Browsers only stream request bodies over HTTP/2; refusing keeps framing simple.
        raise Refusal(501, "chunked request bodies are not supported")
    lengths = {value for name, value in headers if name.lower() == "content-length"}
    if not lengths:
        return 0
    if len(lengths) > 1 or not next(iter(lengths)).isdigit():
        raise Refusal(400, "bad Content-Length")
    return int(next(iter(lengths)))


def _kept(headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return [(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP | named]


def _origin_request(
    method: str, path: str, host: str, port: int, headers: Sequence[tuple[str, str]]
) -> bytes:
    authority = f"[{host}]" if ":" in host else host
    authority += "" if port == 80 else f":{port}"
    kept = [(n, v) for n, v in _kept(headers) if n.lower() != "host"]
    lines = [f"{method} {path} HTTP/1.1", f"Host: {authority}"]
    lines += [f"{name}: {value}" for name, value in kept] + ["Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _closing_response_head(head: bytes) -> bytes:
    lines = head.decode("latin-1").split("\r\n")[:-2]
    headers = [line.partition(":") for line in lines[1:] if ":" in line]
    kept = _kept([(name, value.strip()) for name, _, value in headers])
    out = [lines[0], *(f"{name}: {value}" for name, value in kept), "Connection: close", "", ""]
    return "\r\n".join(out).encode("latin-1")


def _answer(refusal: Refusal) -> bytes:
    reason = refusal.reason.encode("ascii", "replace").decode().replace("\r", " ")
    reason = reason.replace("\n", " ")
    body = f"Creneau egress guard: {reason}\n".encode()
    head = [
        f"HTTP/1.1 {refusal.status} {PHRASES.get(refusal.status, 'Refused')}",
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Length: {len(body)}",
        f"{HEADER}: {reason}",
        "Connection: close",
        "",
        "",
    ]
    return "\r\n".join(head).encode("ascii") + body


# --- the process guard -------------------------------------------------------------------------

_guard: EgressGuard | None = None
_starting = threading.Lock()


def guard() -> EgressGuard:
    """The process's guard, started on first use (and again in a forked child)."""
    global _guard
    with _starting:
        if _guard is None or _guard.pid != os.getpid():
            _guard = EgressGuard().start()
        return _guard
