from django.urls import reverse


def test_home_requires_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_organisation_bodies_and_roles(client, owner):
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    assert "Region Testlän" in html
    membership = owner.memberships.get()
    assert membership.body.name in html
    assert "Ordförande" in html  # the role, in Swedish


def test_member_without_bodies(client, member):
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "Region Testlän" in html
    assert "inte medlem" in html


def test_outsider_sees_only_their_own_organisation(client, owner, outsider):
    client.force_login(outsider)
    html = client.get(reverse("home")).content.decode()
    assert "Annan kommun" in html
    assert "Region Testlän" not in html


def test_sign_in_with_a_contact_lands_on_home(client, programme):
    response = client.post(
        reverse("login"), {"login": programme.contact.username, "password": "secret-password"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    html = client.get(reverse("home")).content.decode()
    assert "Testlän kommun" in html
    assert "kontaktperson" in html.lower()


def test_wrong_password_shows_a_message(client, programme):
    response = client.post(
        reverse("login"), {"login": programme.coordinator.username, "password": "fel"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_sign_out_is_a_post(client, owner):
    client.force_login(owner)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
