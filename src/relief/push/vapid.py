"""The server's VAPID key pair: made on first use, kept in the data directory, never in the repository.

Push services accept a message only with a signature from the key the browser subscribed with, so
the pair must stay the same for the life of an install (a new pair would silently break every
subscription). The private key file is readable by its owner only.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from relief.conf import data_dir

KEY_FILE = "vapid_private.pem"


def key_path() -> Path:
    return data_dir() / "push" / KEY_FILE


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # O_EXCL: two workers starting at once must not both write a key; the loser reads the winner's.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def server_key() -> Vapid:
    """The private key, created on first use."""
    path = key_path()
    if not path.exists():
        _create(path)
    return Vapid.from_file(str(path))


def application_server_key() -> str:
    """The public key as the Push API wants it: the uncompressed P-256 point, base64url without padding."""
    point = server_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()
