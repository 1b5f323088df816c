"""Refuse URLs that would make our browser reach inside our own network.

A booking page is always a public http(s) address. Commands that fetch a URL given by a person
(``classify``, ``capture``) call :func:`check_public_url` first, so that nobody can use them to
read a loopback admin page, a cloud metadata endpoint or a file on the server. ``allow_local``
(the ``--allow-local`` flag) lets simulators and tests use loopback and private addresses; it
never allows another scheme than http and https.

The check resolves the host name and checks *every* address it resolves to. The browser resolves
the name again later, so a hostile DNS server could still answer differently (DNS rebinding):
this check stops mistakes and casual misuse, not a determined attacker controlling a zone.
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
    for address in _addresses(host, port or (443 if parts.scheme.lower() == "https" else 80)):
        if not _public(address):
            raise UnsafeURLError(
                _(
                    "L'adresse « %(url)s » mène à %(address)s, une adresse locale ou privée : "
                    "refusée (utilisez --allow-local pour un simulateur ou un test)."
                )
                % {"url": url, "address": address}
            )


def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURLError(
            _("Le nom d'hôte « %(host)s » est introuvable (%(reason)s).")
            % {"host": host, "reason": exc}
        ) from exc
    # sockaddr[0] is the address text; IPv6 scope ids ("fe80::1%eth0") are cut off.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_private or address.is_link_local:
        return False
    if address.is_reserved or address.is_multicast or address.is_unspecified:
        return False
    return address.is_global
