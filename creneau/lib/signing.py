"""Ed25519 signatures (``cryptography``): the organisation's key that signs published files.

The private key is generated once into the data folder (``OBSERVATORY_KEY_FILE``, PEM, mode
0600) like the other secrets, and never leaves it: only the public key and signatures are
published. Keys and signatures travel as standard base64 of their raw bytes
(32 bytes for a public key, 64 for a signature); a key's fingerprint is the SHA-256 of its raw
bytes, in hexadecimal, which a person can compare over the telephone.
"""

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

ALGORITHM = "Ed25519"


class SignatureError(ValueError):
    """A signature or a public key that does not verify or cannot be read."""


def _key_file() -> Path:
    return Path(settings.OBSERVATORY_KEY_FILE)


def _private_key() -> Ed25519PrivateKey:
    """The installation's key, created on first use (O_EXCL: two processes never make two)."""
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process wrote it a moment ago: read theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError(f"{path} does not hold an Ed25519 private key")
    return key


def public_key() -> str:
    """This installation's public key (base64 of its 32 raw bytes)."""
    raw = (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode()


def sign(data: bytes) -> str:
    """The signature of ``data`` with this installation's key (base64 of 64 bytes)."""
    return base64.b64encode(_private_key().sign(data)).decode()


def _decode(text: str, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SignatureError(f"{what}: not base64") from None
    if len(raw) != size:
        raise SignatureError(f"{what}: {len(raw)} bytes instead of {size}")
    return raw


def fingerprint(key: str) -> str:
    """SHA-256 of the raw public key, hexadecimal."""
    return hashlib.sha256(_decode(key, 32, "public key")).hexdigest()


def verify(data: bytes, signature: str, key: str) -> None:
    """Raise :class:`SignatureError` unless ``signature`` is ``key``'s over exactly ``data``."""
    public = Ed25519PublicKey.from_public_bytes(_decode(key, 32, "public key"))
    try:
        public.verify(_decode(signature, 64, "signature"), data)
    except InvalidSignature:
        raise SignatureError("the signature does not match the data and the key") from None
