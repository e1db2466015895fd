"""A software security key for the WebAuthn tests: it answers the registration and
authentication options django-allauth hands the browser, as a real key would (P-256, the
"none" attestation), so that the tests go through allauth's own verification."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)


class SoftKey:
    def __init__(self, origin: str = "http://testserver") -> None:
        self.origin = origin
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def _client_data(self, kind: str, challenge: str) -> CollectedClientData:
        return CollectedClientData.create(kind, websafe_decode(challenge), self.origin)

    def _auth_data(self, rp_id: str, flags: AuthenticatorData.FLAG, credential: bytes = b""):
        self.counter += 1
        rp_id_hash = hashlib.sha256(rp_id.encode()).digest()
        return AuthenticatorData.create(rp_id_hash, flags, self.counter, credential)

    def register(self, creation_options: dict[str, Any]) -> str:
        """The credential (as allauth's form field takes it) for the creation options."""
        options = creation_options["publicKey"]
        public_key = ES256.from_cryptography_key(self.private_key.public_key())
        credential = AttestedCredentialData.create(bytes(16), self.credential_id, public_key)
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT
        auth_data = self._auth_data(options["rp"]["id"], flags, credential)
        client_data = self._client_data("webauthn.create", options["challenge"])
        attestation = AttestationObject.create("none", auth_data, {})
        return self._json(
            {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(bytes(attestation)),
            }
        )

    def stored(self, name: str, rp_id: str = "testserver") -> dict[str, Any]:
        """The data of an Authenticator as allauth stores this key once it is added, for
        tests that need a key without going through the registration."""
        options = {"publicKey": {"rp": {"id": rp_id}, "challenge": websafe_encode(os.urandom(32))}}
        return {"name": name, "credential": json.loads(self.register(options))}

    def sign(self, request_options: dict[str, Any]) -> str:
        """The assertion (as allauth's form field takes it) for the request options."""
        options = request_options["publicKey"]
        auth_data = self._auth_data(options["rpId"], AuthenticatorData.FLAG.UP)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = self.private_key.sign(
            bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        return self._json(
            {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(bytes(auth_data)),
                "signature": websafe_encode(signature),
            }
        )

    def _json(self, response: dict[str, str]) -> str:
        credential_id = websafe_encode(self.credential_id)
        return json.dumps(
            {
                "id": credential_id,
                "rawId": credential_id,
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
            }
        )
