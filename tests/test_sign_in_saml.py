"""Signing in through an organisation's SAML identity provider (portal.sign_in, django-allauth's
saml provider on python3-saml), against a real IdP in the test process (pysaml2,
tests/saml_idp.py): the portal's signed AuthnRequest is followed to the IdP, which checks its
signature, and the IdP's signed answer is posted to the portal's ACS, as a browser would."""

import base64
import copy
import datetime

import lxml.etree
import pytest
import xmlsec
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.urls import reverse

from portal.models import User
from portal.sign_in import SAML_SESSION_KEY
from tests.factories import OrganisationFactory, UserFactory
from tests.saml_idp import ENTITY_ID, NS, SLO_URL, SSO_URL, IdentityProvider, KeyPair

ACS = "/accounts/saml/kumlaby/acs/"
METADATA = "/accounts/saml/kumlaby/metadata/"
CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
SWEDEN_CONNECT = {
    "urn:oid:2.5.4.42": "Anna",
    "urn:oid:2.5.4.4": "Berg",
    "urn:oid:0.9.2342.19200300.100.1.3": "anna.berg@kumlaby.se",
}
SWEDEN_CONNECT_MAIL = "urn:oid:0.9.2342.19200300.100.1.3"


@pytest.fixture(scope="module")
def portal_keys():
    return KeyPair.make("portal.example.org")


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    return IdentityProvider(KeyPair.make("idp.kumlaby.example"), tmp_path_factory.mktemp("idp"))


@pytest.fixture
def kumla(db):
    return OrganisationFactory(name="Kumlaby kommun", slug="kumlaby-kommun")


@pytest.fixture
def app(client, settings, portal_keys, idp: IdentityProvider, kumla):
    settings.SAML_SP_PRIVATE_KEY = portal_keys.key_pem
    settings.SAML_SP_CERTIFICATE = portal_keys.cert_pem
    app = SocialApp.objects.create(
        provider="saml",
        provider_id="kumlaby-saml",
        name="Kumlaby kommun (SAML)",
        client_id="kumlaby",
        settings={
            "organisation": kumla.slug,
            "email_domains": ["kumlaby.se"],
            "idp": {
                "entity_id": ENTITY_ID,
                "sso_url": SSO_URL,
                "slo_url": SLO_URL,
                "x509cert": idp.keys.cert_pem,
            },
            # The test client's host, "testserver", has no dot in it.
            "advanced": {"allow_single_label_domains": True},
        },
    )
    # A browser always sends Host; python3-saml builds its addresses from it.
    client.defaults["HTTP_HOST"] = "testserver"
    metadata = client.get(METADATA)
    assert metadata.status_code == 200, metadata.content[:500]
    idp.trust(metadata.content.decode())
    return app


def post_answer(client, acs: str, fields: dict[str, str]):
    assert acs == f"http://testserver{ACS}", acs
    response = client.post(ACS, fields)
    assert response.status_code == 302, response.content[:300]
    return client.get(response["Location"])


def sign_in(client, idp: IdentityProvider, name_id: str, attributes=SWEDEN_CONNECT, **answer):
    """Choose the organisation, sign in at the IdP, post its answer; the portal's answer."""
    response = client.post(reverse("sign_in_organisation"), {"organisation": "Kumlaby kommun"})
    assert response.status_code == 302, response.content[:300]
    acs, fields = idp.answer(response["Location"], name_id, attributes, **answer)
    return post_answer(client, acs, fields)


def assert_refused(client, response, email="anna.berg@kumlaby.se"):
    assert response.status_code in (401, 403), response.status_code
    assert "Du kunde inte loggas in" in response.content.decode()
    assert not User.objects.filter(email=email).exists()
    assert client.get(reverse("home")).status_code == 302


def test_lxml_and_xmlsec_share_one_libxml2_and_sign_and_verify(portal_keys):
    assert xmlsec.get_libxml_version() == lxml.etree.LIBXML_VERSION
    document = lxml.etree.fromstring(b'<doc ID="d1"><value>42</value></doc>')
    template = xmlsec.template.create(
        document, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha256
    )
    document.append(template)
    reference = xmlsec.template.add_reference(template, xmlsec.constants.TransformSha256, uri="")
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformEnveloped)
    signer = xmlsec.SignatureContext()
    signer.key = xmlsec.Key.from_memory(portal_keys.key_pem, xmlsec.constants.KeyDataFormatPem)
    signer.sign(template)

    verifier = xmlsec.SignatureContext()
    verifier.key = xmlsec.Key.from_memory(
        portal_keys.cert_pem, xmlsec.constants.KeyDataFormatCertPem
    )
    verifier.verify(template)
    document.find("value").text = "43"
    with pytest.raises(xmlsec.Error, match="failed to verify"):
        verifier.verify(template)


def test_the_metadata_asks_for_signed_assertions_and_carries_the_portals_certificate(
    client, app, portal_keys
):
    # A browser always sends Host; python3-saml builds its addresses from it.
    client.defaults["HTTP_HOST"] = "testserver"
    metadata = client.get(METADATA).content.decode()

    assert 'AuthnRequestsSigned="true"' in metadata
    assert 'WantAssertionsSigned="true"' in metadata
    assert f'Location="http://testserver{ACS}"' in metadata
    certificate = "".join(portal_keys.cert_pem.splitlines()[1:-1])
    assert certificate in metadata.replace("\n", "")


def test_a_provider_is_not_offered_while_the_portal_has_no_key_pair(client, settings, app):
    settings.SAML_SP_PRIVATE_KEY = ""

    assert client.get(METADATA).status_code == 404
    assert "Kumlaby kommun" not in client.get(reverse("login")).content.decode()


def test_first_sign_in_creates_the_user_in_the_providers_organisation(client, idp, app, kumla):
    response = sign_in(client, idp, "anna-persistent-id")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(socialaccount__provider="kumlaby-saml")
    assert (user.organisation, user.email, user.get_full_name()) == (
        kumla,
        "anna.berg@kumlaby.se",
        "Anna Berg",
    )
    assert SocialAccount.objects.get(user=user).uid == "anna-persistent-id"
    assert not user.is_staff and not user.is_contact and not user.memberships.exists()
    assert client.get(reverse("home")).status_code == 200


def test_entra_ids_claims_are_read(client, idp, app, kumla):
    claims = {
        f"{CLAIMS}givenname": "Bo",
        f"{CLAIMS}surname": "Ek",
        f"{CLAIMS}emailaddress": "bo.ek@kumlaby.se",
    }

    response = sign_in(client, idp, "bo-object-id", claims)

    assert response["Location"] == reverse("home")
    user = User.objects.get(email="bo.ek@kumlaby.se")
    assert (user.organisation, user.get_full_name()) == (kumla, "Bo Ek")


def test_a_later_sign_in_refreshes_name_and_e_mail(client, idp, app):
    sign_in(client, idp, "anna-persistent-id")
    client.post(reverse("logout"))

    renamed = {
        **SWEDEN_CONNECT,
        "urn:oid:2.5.4.4": "Lind",
        SWEDEN_CONNECT_MAIL: "anna.lind@kumlaby.se",
    }
    response = sign_in(client, idp, "anna-persistent-id", renamed)

    assert response["Location"] == reverse("home")
    user = User.objects.get(socialaccount__uid="anna-persistent-id")
    assert (user.get_full_name(), user.email) == ("Anna Lind", "anna.lind@kumlaby.se")


def test_a_federation_places_the_person_by_the_organisation_number_of_their_affiliation(
    client, idp, app
):
    orebro = OrganisationFactory(name="Örebroby kommun", slug="orebroby", org_number="556612-3450")
    app.settings = {key: value for key, value in app.settings.items() if key != "organisation"}
    app.save()
    attributes = {**SWEDEN_CONNECT, "urn:oid:1.2.752.201.3.1": "A1B2C3@5566123450"}

    start = reverse("saml_login", kwargs={"organization_slug": "kumlaby"})
    acs, fields = idp.answer(client.post(start)["Location"], "anna-id", attributes)
    response = post_answer(client, acs, fields)

    assert response["Location"] == reverse("home")
    assert User.objects.get(email="anna.berg@kumlaby.se").organisation == orebro


@pytest.mark.parametrize(
    ("organisation", "affiliation"),
    [
        ("no-such-organisation", "A1B2C3@5566123450"),  # named, but not in the portal
        ("", "A1B2C3@5566123468"),  # a federation's, from an organisation not in the portal
    ],
    ids=["missing-organisation", "unknown-affiliation"],
)
def test_a_provider_tied_to_no_organisation_is_refused(client, idp, app, organisation, affiliation):
    OrganisationFactory(name="Örebroby kommun", slug="orebroby", org_number="556612-3450")
    app.settings = {**app.settings, "organisation": organisation}
    app.save()
    attributes = {**SWEDEN_CONNECT, "urn:oid:1.2.752.201.3.1": affiliation}

    start = reverse("saml_login", kwargs={"organization_slug": "kumlaby"})
    acs, fields = idp.answer(client.post(start)["Location"], "anna-id", attributes)
    response = post_answer(client, acs, fields)

    assert_refused(client, response)
    assert "inte kopplad till någon organisation" in response.content.decode()


def test_an_existing_account_of_another_domain_is_not_linked(client, idp, app):
    UserFactory(username="dan", email="dan@elsewhere.se")
    attributes = {**SWEDEN_CONNECT, SWEDEN_CONNECT_MAIL: "dan@elsewhere.se"}

    response = sign_in(client, idp, "dan-id", attributes)

    assert response.status_code == 403
    assert "finns redan" in response.content.decode()
    assert not SocialAccount.objects.filter(uid="dan-id").exists()


def _assertion(document):
    return document.find("saml:Assertion", NS)


def other_audience(document, idp):
    _assertion(document).find(".//saml:Audience", NS).text = "https://another-portal.example/"
    return idp.resign(document)


def expired(document, idp):
    an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    stamp = an_hour_ago.strftime("%Y-%m-%dT%H:%M:%SZ")
    for element in _assertion(document).iter():
        for name in ("NotOnOrAfter", "NotBefore"):
            if element.get(name):
                element.set(name, stamp)
    return idp.resign(document)


def unsigned(document, idp):
    assertion = _assertion(document)
    assertion.remove(assertion.find("ds:Signature", NS))
    return document


def other_issuer(document, idp):
    for issuer in document.iter(f"{{{NS['saml']}}}Issuer"):
        issuer.text = "https://idp.elsewhere.example/saml"
    return idp.resign(document)


def wrapped(document, idp):
    """Signature wrapping: a forged assertion where the signed one was, the signed one
    tucked inside it, so that its signature still checks out."""
    signed = _assertion(document)
    forged = copy.deepcopy(signed)
    forged.set("ID", "_forged")
    forged.remove(forged.find("ds:Signature", NS))
    forged.find(".//saml:NameID", NS).text = "mallory"
    document.replace(signed, forged)
    forged.append(signed)
    return document


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (other_audience, "is not a valid audience"),
        (expired, "expired"),
        (unsigned, "not signed"),
        (other_issuer, "Invalid issuer"),
        (wrapped, "must contain 1 assertion"),
    ],
    ids=lambda t: getattr(t, "__name__", ""),
)
def test_an_answer_the_portal_cannot_trust_is_refused(client, idp, app, caplog, tamper, reason):
    response = sign_in(client, idp, "anna-id", tamper=tamper)

    assert_refused(client, response)
    assert not SocialAccount.objects.exists()
    assert reason in caplog.text


def test_a_replayed_answer_is_refused(client, idp, app):
    response = client.post(reverse("sign_in_organisation"), {"organisation": "Kumlaby kommun"})
    acs, fields = idp.answer(response["Location"], "anna-id", SWEDEN_CONNECT)
    assert post_answer(client, acs, fields)["Location"] == reverse("home")
    client.post(reverse("logout"))
    User.objects.filter(email="anna.berg@kumlaby.se").delete()

    replayed = post_answer(client, acs, fields)

    assert_refused(client, replayed)
    assert "redan använts" in replayed.content.decode()


@pytest.mark.parametrize(
    "answer",
    [b"not xml at all", b'<!DOCTYPE x [<!ENTITY e "x">]><samlp:Response>&e;</samlp:Response>'],
    ids=["not-xml", "entities"],
)
def test_an_answer_that_is_no_xml_is_said_so(client, idp, app, answer):
    client.post(reverse("sign_in_organisation"), {"organisation": "Kumlaby kommun"})

    response = post_answer(
        client, f"http://testserver{ACS}", {"SAMLResponse": base64.b64encode(answer).decode()}
    )

    assert response.status_code == 400
    assert "kunde inte läsas" in response.content.decode()


def test_the_chooser_sends_the_form_on_to_the_providers_origin(client, app):
    response = client.get(reverse("login"))

    assert '<option value="Kumlaby kommun">' in response.content.decode()
    assert "https://idp.kumlaby.example" in response["Content-Security-Policy"]


def test_signing_out_asks_the_provider_to_end_its_session_too(client, idp, app):
    sign_in(client, idp, "anna-1")

    page = client.post(reverse("logout"))

    assert page.status_code == 200
    assert client.get(reverse("home")).status_code == 302  # the portal's session is over
    location = page.context["end_session"]
    request = idp.read_logout_request(location)  # signed with the portal's key
    assert request.message.name_id.text == "anna-1"
    assert request.message.session_index
    # The provider's signed answer brings the browser back to the start page.
    answer = idp.answer_logout(location)
    assert answer.startswith("http://testserver/accounts/saml/kumlaby/sls/?")
    response = client.get(answer.removeprefix("http://testserver"))
    assert response.status_code == 302
    assert response["Location"] == reverse("start")


def test_a_provider_without_single_logout_is_left_alone(client, idp, app):
    del app.settings["idp"]["slo_url"]
    app.save()
    sign_in(client, idp, "anna-1")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("start")


def test_the_provider_can_end_the_portals_session(client, idp, app):
    sign_in(client, idp, "anna-1")
    kept = client.session[SAML_SESSION_KEY]
    entity_id = lxml.etree.fromstring(client.get(METADATA).content).get("entityID")

    location = idp.request_logout(entity_id, "anna-1", kept["session_index"])
    response = client.get(location.removeprefix("http://testserver"))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{SLO_URL}?SAMLResponse=")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    "query",
    [{"SAMLResponse": "not-saml"}, {"SAMLRequest": "bm90IHhtbA=="}, {}],
    ids=["garbage", "not-xml", "nothing"],
)
def test_a_logout_message_the_portal_cannot_accept_gets_a_page(client, idp, app, query):
    response = client.get("/accounts/saml/kumlaby/sls/", query)

    assert response.status_code == 400
    assert "Utloggningen kunde inte avslutas" in response.content.decode()


def test_a_logout_answer_with_a_broken_signature_is_refused(client, idp, app):
    sign_in(client, idp, "anna-1")
    answer = idp.answer_logout(client.post(reverse("logout")).context["end_session"])

    response = client.get(
        answer.removeprefix("http://testserver").replace("Signature=", "Signature=AA")
    )

    assert response.status_code == 400
