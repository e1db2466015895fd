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


# --- What needs the person now (the apps' panels) and the yearly cycle ------------------------


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


PLANS_HEADING = "Planer som väntar på din kommentar eller ditt beslut"


def test_a_plan_under_review_is_on_the_steering_groups_and_the_commenters_home(client, programme):
    from actionplans.services.plans import plan_transition

    plan = programme.draft_plan
    coordinator = programme.coordinator
    plan_transition(
        plan=plan, name="submit", user=coordinator, access=programme.access(coordinator)
    )
    html = _home(client, programme.steering)
    assert PLANS_HEADING in html and plan.get_edit_url() in html
    assert "att godkänna eller skicka tillbaka" in html
    html = _home(client, programme.commenter)
    assert PLANS_HEADING in html and "att kommentera" in html
    for user in (coordinator, programme.member, programme.outsider):
        assert PLANS_HEADING not in _home(client, user), user


def test_initiatives_to_prepare_and_to_decide(client, programme):
    from actionplans.models import Initiative

    initiative = Initiative.objects.create(
        strategy=programme.strategy,
        title="Gemensam e-tjänstplattform",
        problem="p",
        expected_benefit="n",
        proposed_kind="prestudy",
        organisation=programme.municipality,
        submitted_by=programme.contact,
    )
    html = _home(client, programme.commenter)
    assert "Initiativ att bereda eller besluta" in html and "behöver en beredare" in html
    assert initiative.get_absolute_url() in html
    assert initiative.get_absolute_url() not in _home(client, programme.steering)
    # Saved with its history row, as every service saves (the home page is kept per write).
    initiative.state = Initiative.State.ANALYSIS
    initiative.preparer = programme.commenter
    for criterion in Initiative.CRITERIA:
        setattr(initiative, criterion, 4)
    initiative.save()
    html = _home(client, programme.steering)
    assert initiative.get_absolute_url() in html and "att besluta" in html
    for user in (programme.contact, programme.outsider):
        assert initiative.get_absolute_url() not in _home(client, user), user


def test_the_next_meetings_of_the_persons_bodies(client, programme):
    from datetime import timedelta

    from django.utils import timezone

    from portal.models import Meeting

    starts = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        body=programme.steering_group,
        title="Styrgruppens vårmöte",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Regionens hus",
    )
    html = _home(client, programme.steering)
    assert "Dina organs nästa möten" in html
    assert reverse("meeting_detail", args=[programme.steering_group.slug, meeting.pk]) in html
    assert "Regionens hus" in html
    assert "Styrgruppens vårmöte" not in _home(client, programme.commenter)


def test_an_overdue_report_to_fill_is_marked(client, programme, programme_round):
    from datetime import timedelta

    from django.utils import timezone

    from followup.models import FollowUpRound
    from tests.factories import activities_make

    activities_make(programme)
    followup_round = programme_round(programme.published_plan)
    assert "försenad" not in _home(client, programme.lead)
    followup_round = FollowUpRound.objects.get(pk=followup_round.pk)
    followup_round.deadline = timezone.localdate() - timedelta(days=2)
    followup_round.save()
    html = _home(client, programme.lead)
    assert "Uppföljningsrapporter att fylla i" in html
    assert html.count('class="badge badge-overdue"') == 2


def test_the_yearly_cycle_with_this_years_dates(client, programme, programme_round):
    from django.utils import timezone

    from tests.factories import activities_make

    activities_make(programme)
    followup_round = programme_round(programme.published_plan)
    html = _home(client, programme.steering)
    today = timezone.localdate()
    assert f"Årshjulet {today.year}" in html
    assert f"Idag är det {today:%Y-%m-%d}." in html
    # The round opened today: the list marks today in the follow-up, under way.
    assert f"Idag, {today:%Y-%m-%d}" in html
    for phase in ("Planering", "Erbjudanden", "Uppföljning", "Granskning"):
        assert f"<h3>{phase}" in html
    assert '<ol class="cycle-phases">' in html
    assert "Uppföljningen öppnar: " in html and followup_round.get_absolute_url() in html
    assert 'src="data:image/svg+xml;base64,' in html
    # Nobody's cycle has anything for a person with no role.
    assert "Årshjulet" not in _home(client, programme.outsider)


def test_the_home_page_is_kept_until_anything_is_written(client, programme):
    """portal.views._home_html: kept per person, and drawn again after any write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actionplans.services.plans import plan_transition

    steering = programme.steering
    assert PLANS_HEADING not in _home(client, steering)
    with CaptureQueriesContext(connection) as kept:
        assert client.get(reverse("home")).status_code == 200
    # The session, the user, the second-factor check and the version: no panel is read.
    assert len(kept) <= 4, [q["sql"][:80] for q in kept]
    coordinator = programme.coordinator
    plan_transition(
        plan=programme.draft_plan,
        name="submit",
        user=coordinator,
        access=programme.access(coordinator),
    )
    assert PLANS_HEADING in _home(client, steering)
    # Another person's kept page is their own.
    assert PLANS_HEADING not in _home(client, coordinator)
