"""The time-stamping seam: the only module that uses rfc3161-client or talks to a TSA.

``request_tokens(data)`` asks every configured authority (``CRENEAU_TSA_URLS``, in order) for
an RFC 3161 token over ``data`` (SHA-256 imprint, random nonce, TSA certificate requested) and
keeps one token from **each** authority that answers: several independent authorities make a
seal harder to dispute, and one unreachable authority never blocks the others. Each answer is
checked on arrival (status, nonce, imprint, and the chain when roots are configured); a bad
answer counts as no answer.

``verify_token(response, data, roots)`` re-checks a stored response later: PKI status,
CMS signature, chain to one of ``roots`` at genTime, critical timeStamping EKU and the
imprint of ``data``.
"""

import hashlib
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from django.conf import settings
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

MEDIA_TYPE = "application/timestamp-reply"


class TokenError(Exception):
    """A time-stamp response is unreadable or does not prove what it should."""


@dataclass(frozen=True)
class Token:
    url: str
    response: bytes  # the DER TimeStampResp exactly as received (an ``openssl ts`` .tsr file)
    gen_time: datetime
    tsa_name: str


@dataclass(frozen=True)
class Attempted:
    """The outcome of asking every authority: the tokens, and why the others failed."""

    tokens: tuple[Token, ...]
    failures: tuple[str, ...]


def configured_urls() -> list[str]:
    return list(settings.TSA_URLS)


def load_roots(path: str | Path | None = None) -> list[x509.Certificate]:
    """The PEM roots of ``path`` (default ``CRENEAU_TSA_CA_FILE``); empty when none is set."""
    path = path or settings.TSA_CA_FILE
    if not path:
        return []
    try:
        return x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise TokenError(f"cannot read the TSA roots in {path}: {exc}") from exc


def request_tokens(
    data: bytes, urls: Sequence[str] | None = None, *, timeout_s: float | None = None
) -> Attempted:
    """A token from each authority (asked at once, kept in their configured order)."""
    roots = load_roots()
    asked = list(configured_urls() if urls is None else urls)

    def ask(url: str) -> Token | str:
        try:
            return request_token(url, data, roots, timeout_s=timeout_s)
        except TokenError as exc:
            return f"{url}: {exc}"

    if len(asked) < 2:
        answers = [ask(url) for url in asked]
    else:
        with ThreadPoolExecutor(max_workers=len(asked)) as pool:
            answers = list(pool.map(ask, asked))
    tokens = tuple(answer for answer in answers if isinstance(answer, Token))
    return Attempted(tokens, tuple(answer for answer in answers if isinstance(answer, str)))


def request_token(
    url: str, data: bytes, roots: Sequence[x509.Certificate], *, timeout_s: float | None = None
) -> Token:
    """One token from one authority, checked before it is accepted."""
    query = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    body = _post(url, query.as_bytes(), timeout_s or settings.TSA_TIMEOUT_S)
    response = _decode(body)
    if response.tst_info.nonce != query.nonce:
        raise TokenError("the authority answered another request (nonce mismatch)")
    if roots:
        _verify(response, data, roots)
    else:
        _check_granted_and_imprint(response, data)
    return Token(url, body, response.tst_info.gen_time, _tsa_name(response))


def _post(url: str, query: bytes, timeout_s: float) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise TokenError("TSA URLs must be http(s)")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=query, headers={"Content-Type": "application/timestamp-query"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # noqa: S310
            return bytes(answer.read(1_000_000))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise TokenError(f"no answer ({exc})") from exc


def _decode(body: bytes) -> TimeStampResponse:
    try:
        return decode_timestamp_response(body)
    except ValueError as exc:
        raise TokenError(f"not a time-stamp response ({exc})") from exc


def _check_granted_and_imprint(response: TimeStampResponse, data: bytes) -> None:
    if PKIStatus(response.status) != PKIStatus.GRANTED:
        raise TokenError(f"the authority refused (status {response.status})")
    if response.tst_info.message_imprint.message != hashlib.sha256(data).digest():
        raise TokenError("the token covers other data (imprint mismatch)")


def _verify(response: TimeStampResponse, data: bytes, roots: Sequence[x509.Certificate]) -> None:
    builder = VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        raise TokenError(_explain(str(exc))) from exc


def _explain(message: str) -> str:
    if "Mismatch between messages" in message:
        return "the token covers other data (imprint mismatch)"
    if "certificates" in message.lower():
        return f"signature or chain to the trusted roots is invalid ({message})"
    return message


@dataclass(frozen=True)
class Checked:
    gen_time: datetime
    tsa_name: str


def verify_token(response: bytes, data: bytes, roots: Sequence[x509.Certificate]) -> Checked:
    """Re-check a stored response over ``data``; raise :class:`TokenError` saying what is wrong."""
    if not roots:
        raise TokenError("no trusted TSA root configured (CRENEAU_TSA_CA_FILE or --ca)")
    decoded = _decode(response)
    _verify(decoded, data, roots)
    return Checked(decoded.tst_info.gen_time, _tsa_name(decoded))


def describe(response: bytes) -> Checked:
    """genTime and authority name of a response, without judging it."""
    decoded = _decode(response)
    return Checked(decoded.tst_info.gen_time, _tsa_name(decoded))


def _tsa_name(response: TimeStampResponse) -> str:
    """The signer certificate's subject (the ``tsa`` field of TSTInfo is optional)."""
    signers = list(response.signed_data.signer_infos)
    for der in response.signed_data.certificates:
        cert = x509.load_der_x509_certificate(der)
        if signers and cert.serial_number == signers[0].serial_number:
            return cert.subject.rfc4514_string()
    name = response.tst_info.name
    return str(getattr(name, "value", "")) if name is not None else ""
