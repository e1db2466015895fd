"""Personal API keys: how a key is made, and how a presented key finds its token."""

import hashlib
import secrets

#: Keys begin with this, so a key that leaks into a repository is recognisable.
KEY_PREFIX = "dsp_"
#: How many characters of a key its owner sees in the list of their keys.
SHOWN_CHARACTERS = 10


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    """A key carries 256 random bits: a plain SHA-256 is enough, no slow hash needed."""
    return hashlib.sha256(key.encode()).hexdigest()
