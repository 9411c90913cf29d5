"""Signed cursors: the bytes of Django's ``Signer(salt=...).sign_object(obj, compress=True)``, at a fraction of its cost.

Every cursor page signs one or two cursors (``next``, ``previous``) and checks
the one it was given. Django's ``Signer`` reads the settings when it is made,
and for each signature derives the HMAC key from the salt and the secret (one
SHA-256), then keys a new HMAC (two more blocks): most of a signature's cost for
a payload of a few dozen bytes. ``CursorSigner`` keys one HMAC per secret, once
per ``SECRET_KEY``/``SECRET_KEY_FALLBACKS`` pair it sees, and copies it for each
signature. The wire format is Django's, byte for byte (URL-safe base64 of the
compact JSON, zlib-compressed behind a ``.`` when that is shorter, ``:`` and the
HMAC-SHA256 of that under the key derived from ``salt + "signer"``): a cursor
signed here opens with Django's ``Signer`` and the other way round, and a key
rotated into ``SECRET_KEY_FALLBACKS`` still opens the cursors it signed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import zlib
from typing import Any

from django.conf import settings
from django.core.signing import BadSignature, b64_decode, b64_encode
from django.utils.encoding import force_bytes

__all__ = ["CursorSigner"]

SEPARATOR = ":"
#: ``json.dumps(obj, separators=(",", ":"))``, as Django's JSONSerializer calls it, without a new encoder per call.
ENCODER = json.JSONEncoder(separators=(",", ":"))


class CursorSigner:
    """Sign and open JSON payloads as ``django.core.signing.Signer(salt=salt)`` does with ``compress=True``."""

    def __init__(self, salt: str) -> None:
        self.key_salt = (salt + "signer").encode()
        # (the secrets they were keyed with, the keyed HMACs: SECRET_KEY's first), replaced whole, never mutated.
        self.keyed: tuple[tuple[Any, ...], tuple[Any, ...]] = ((), ())

    def macs(self) -> tuple[Any, ...]:
        """Return the keyed HMAC of ``SECRET_KEY`` then of each fallback key, keyed again when the settings change."""
        secrets = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
        keyed_with, macs = self.keyed
        if secrets != keyed_with:
            macs = tuple(
                hmac.new(hashlib.sha256(self.key_salt + force_bytes(secret)).digest(), digestmod=hashlib.sha256)
                for secret in secrets
            )
            self.keyed = (secrets, macs)
        return macs

    @staticmethod
    def signature(mac: Any, value: bytes) -> bytes:
        signed = mac.copy()
        signed.update(value)
        return b64_encode(signed.digest())

    def sign_object(self, obj: Any) -> str:
        """Return ``obj`` as compact JSON, compressed when that is shorter, base64-encoded and signed."""
        data = ENCODER.encode(obj).encode("latin-1")
        compressed = zlib.compress(data)
        shorter = len(compressed) < len(data) - 1
        value = "." + b64_encode(compressed).decode() if shorter else b64_encode(data).decode()
        return f"{value}{SEPARATOR}{self.signature(self.macs()[0], value.encode()).decode('ascii')}"

    def unsign_object(self, signed: str) -> Any:
        """Return the object ``signed`` holds; raise ``BadSignature`` when no key signed it, ``ValueError`` or
        ``UnicodeError`` when it is not even text that could be signed."""
        if SEPARATOR not in signed:
            raise BadSignature(f'No "{SEPARATOR}" found in value')
        value, given = signed.rsplit(SEPARATOR, 1)
        value_bytes, given_bytes = value.encode(), given.encode()
        if not any(hmac.compare_digest(given_bytes, self.signature(mac, value_bytes)) for mac in self.macs()):
            raise BadSignature(f'Signature "{given}" does not match')
        compressed = value_bytes[:1] == b"."
        encoded = value_bytes[1:] if compressed else value_bytes
        data = b64_decode(encoded)  # binascii.Error is a ValueError
        if compressed:
            data = zlib.decompress(data)
        return json.loads(data.decode("latin-1"))

