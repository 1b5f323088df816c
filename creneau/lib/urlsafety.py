"""Refuse URLs and hosts that would make our server reach inside our own network.

A booking page is always a public http(s) address. Commands that fetch a URL given by a person
(``classify``, ``capture``) call :func:`check_public_url` first, so that nobody can use them to
read a loopback admin page, a cloud metadata endpoint or a file on the server. ``allow_local``
(the ``--allow-local`` flag) lets simulators and tests use loopback and private addresses; it
never allows another scheme than http and https.

This early check gives a clear message before anything starts; it is not what stops a
determined attacker. The browser resolves the name again later (DNS rebinding), follows
redirects and loads subresources from any address, so every request of a guarded browser
context goes through :mod:`creneau.lib.egress`, which resolves once with :func:`resolve`,
refuses unless every address :func:`is_public`, and connects to the address it checked.
Alert channels (ntfy, Signal servers) are checked with :func:`check_public_host` when saved and
again before each send.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

SCHEMES = frozenset({"http", "https"})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURLError(Exception):
    """The URL is not a public http(s) address; ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnresolvableHostError(UnsafeURLError):
    """The host name does not resolve: nothing can be said about where it leads."""


class LocalAddressError(UnsafeURLError):
    """The host is, or resolves to, a loopback, private, link-local or reserved address."""

    def __init__(self, message: str, address: IPAddress) -> None:
        super().__init__(message)
        self.address = address


def check_public_url(url: str, *, allow_local: bool) -> None:
    """Raise :class:`UnsafeURLError` unless ``url`` is an http(s) URL of a public address."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in SCHEMES:
        raise UnsafeURLError(
            _("Seules les adresses http:// et https:// sont acceptées, pas « %(url)s ».")
            % {"url": url}
        )
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host:
        raise UnsafeURLError(
            _("L'adresse « %(url)s » ne contient pas de nom d'hôte valide.") % {"url": url}
        )
    if allow_local:
        return
    for address in resolve(host, port or (443 if parts.scheme.lower() == "https" else 80)):
        if not is_public(address):
            raise LocalAddressError(
                _(
                    "L'adresse « %(url)s » mène à %(address)s, une adresse locale ou privée : "
                    "refusée (utilisez --allow-local pour un simulateur ou un test)."
                )
                % {"url": url, "address": address},
                address,
            )


def check_public_host(host: str, port: int) -> None:
    """Raise :class:`UnresolvableHostError` or :class:`LocalAddressError` unless every address
    ``host`` resolves to is public (a server we may contact on a person's behalf)."""
    for address in resolve(host, port):
        if not is_public(address):
            raise LocalAddressError(
                _("« %(host)s » mène à %(address)s, une adresse locale ou privée : refusée.")
                % {"host": host, "address": address},
                address,
            )


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to now (an IP literal is its own answer).

    The egress guard and the checks above call this one function, so a test can stand in for
    DNS here (there is no DNS server to rebind on a test machine).
    """
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHostError(
            _("Le nom d'hôte « %(host)s » est introuvable (%(reason)s).")
            % {"host": host, "reason": exc}
        ) from exc
    # sockaddr[0] is the address text; IPv6 scope ids ("fe80::1%eth0") are cut off.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def is_public(address: IPAddress) -> bool:
    """A globally routable unicast address: not loopback, private, link-local (cloud metadata
    at 169.254.169.254), shared (100.64/10), reserved, multicast or unspecified."""
    if isinstance(address, ipaddress.IPv6Address):
        if (translated := _nat64(address)) is not None:
            return is_public(translated)  # the prefix itself counts as reserved for Python
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and not is_public(embedded):
            return False  # an IPv6 address that leads to a private IPv4 one
        address = address.ipv4_mapped or address
    if address.is_loopback or address.is_private or address.is_link_local:
        return False
    if address.is_reserved or address.is_multicast or address.is_unspecified:
        return False
    return address.is_global


NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _nat64(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if any(address in network for network in NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
