"""A real SAML identity provider for the sign-in tests: pysaml2's IdP (``saml2.server``) in
the test process, with keys made for the test run, signing with Debian's xmlsec1. It reads
the portal's AuthnRequest from the redirect (and checks its signature against the portal's
metadata), and answers with a signed assertion as a provider would, or as a broken or
hostile one would (``answer``'s ``tamper``)."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

ENTITY_ID = "https://idp.kumlaby.example/saml"
SSO_URL = "https://idp.kumlaby.example/saml/sso"
SLO_URL = "https://idp.kumlaby.example/saml/slo"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
NS = {
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}


@dataclass(frozen=True)
class KeyPair:
    key_pem: str
    cert_pem: str

    @classmethod
    def make(cls, common_name: str) -> KeyPair:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return cls(key_pem, cert.public_bytes(serialization.Encoding.PEM).decode())


@dataclass
class IdentityProvider:
    keys: KeyPair
    directory: Path  # where pysaml2 reads its key and certificate from
    sso_url: str = SSO_URL  # a browser story serves it on the loopback
    _server: Server | None = field(default=None, repr=False)

    def trust(self, sp_metadata: str) -> None:
        """Import the portal's metadata, as the provider's administrator would."""
        key_file = self.directory / "idp.key"
        cert_file = self.directory / "idp.crt"
        key_file.write_text(self.keys.key_pem)
        cert_file.write_text(self.keys.cert_pem)
        config = IdPConfig()
        config.load(
            {
                "entityid": ENTITY_ID,
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "metadata": {"inline": [sp_metadata]},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(SLO_URL, BINDING_HTTP_REDIRECT)],
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "want_authn_requests_signed": True,
                        "policy": {
                            "default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}
                        },
                    }
                },
            }
        )
        self._server = Server(config=config)

    @property
    def server(self) -> Server:
        assert self._server is not None, "trust() the portal's metadata first"
        return self._server

    def read_request(self, location: str):
        """The AuthnRequest the portal redirected the browser with, its signature checked."""
        assert location.startswith(self.sso_url), location
        query = {
            key: values[0]
            for key, values in parse_qs(urlsplit(location).query, keep_blank_values=True).items()
        }
        assert query.get("Signature"), "the portal's AuthnRequest is not signed"
        return self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query["SigAlg"],
            signature=query["Signature"],
        ).message

    def answer(
        self,
        location: str,
        name_id: str,
        attributes: dict[str, str],
        *,
        tamper: Callable[[etree._Element, IdentityProvider], etree._Element | None] | None = None,
        audience: str = "",
    ) -> tuple[str, dict[str, str]]:
        """The person's part at the provider: read the request, sign them in as ``name_id``
        with ``attributes`` (SAML attribute names to one value). Returns where the browser
        posts the answer (the portal's ACS) and the form's fields."""
        request = self.read_request(location)
        response = self.server.create_authn_response(
            {name: [value] for name, value in attributes.items()},
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=audience or request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            authn={
                "class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            },
            sign_assertion=True,
            sign_response=False,
            sign_alg=RSA_SHA256,
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        xml = str(response).encode()
        if tamper is not None:
            document = etree.fromstring(xml)
            xml = etree.tostring(tamper(document, self) or document)
        query = {
            key: values[0]
            for key, values in parse_qs(urlsplit(location).query, keep_blank_values=True).items()
        }
        fields = {"SAMLResponse": base64.b64encode(xml).decode()}
        if "RelayState" in query:
            fields["RelayState"] = query["RelayState"]
        return request.assertion_consumer_service_url, fields

    def resign(self, document: etree._Element) -> etree._Element:
        """Sign the (changed) assertion again with the provider's own key."""
        assertion = document.find("saml:Assertion", NS)
        signed = self.server.sec.sign_statement(
            etree.tostring(document).decode(), ASSERTION, node_id=assertion.get("ID")
        )
        return etree.fromstring(signed.encode())

    def read_logout_request(self, location: str):
        """The LogoutRequest the portal redirected the browser with, its signature checked."""
        assert location.startswith(SLO_URL), location
        query = _query(location)
        assert query.get("Signature"), "the portal's LogoutRequest is not signed"
        return self.server.parse_logout_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query["SigAlg"],
            signature=query["Signature"],
        )

    def answer_logout(self, location: str) -> str:
        """End the person's session at the provider; where the browser goes next (the
        portal's SLS, with a signed LogoutResponse)."""
        request = self.read_logout_request(location)
        response = self.server.create_logout_response(
            request.message, [BINDING_HTTP_REDIRECT], sign=False
        )
        return self._redirect(response, request.message.issuer.text, _query(location), True)

    def request_logout(self, sp_entity_id: str, name_id: str, session_index: str) -> str:
        """The person signed out at the provider (or another service): the redirect that
        asks the portal to end its session too."""
        destination = self.server.metadata.single_logout_service(
            sp_entity_id, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        _id, request = self.server.create_logout_request(
            destination,
            ENTITY_ID,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            session_indexes=[session_index],
            sign=False,
        )
        return self._redirect(request, sp_entity_id, {}, False)

    def _redirect(self, message, sp_entity_id: str, query: dict[str, str], response: bool) -> str:
        if response:
            destination = self.server.metadata.single_logout_service(
                sp_entity_id, BINDING_HTTP_REDIRECT, "spsso"
            )[0]["location"]
        else:
            destination = message.destination
        info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(message),
            destination,
            relay_state=query.get("RelayState", ""),
            response=response,
            sign=True,
            sigalg=RSA_SHA256,
        )
        return dict(info["headers"])["Location"]


def _query(location: str) -> dict[str, str]:
    return {
        key: values[0]
        for key, values in parse_qs(urlsplit(location).query, keep_blank_values=True).items()
    }
