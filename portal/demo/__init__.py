"""Demo organisations, bodies and users (one per role)."""

from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django.utils.text import slugify

from portal.dates import today
from portal.models import Body, Meeting, Membership, Organisation, User
from portal.seeding import Seeder, read_yaml, text
from portal.services import contact_access_sync

DATA = Path(__file__).parent

#: Apps whose models a coordinator may edit in the admin until the editing screens exist.
COORDINATOR_APPS = ["strategy", "actionplans", "followup"]


def seed(seeder: Seeder) -> None:
    data = read_yaml(DATA / "organisations.yaml")
    organisations = {}
    for row in data["organisations"]:
        organisations[row["name"]] = seeder.upsert(
            Organisation,
            {"slug": slugify(row["name"])},
            {
                "name": row["name"],
                "kind": row["kind"],
                "county": row.get("county", ""),
                "collaborates": row.get("collaborates", True),
                "website": row.get("website", ""),
                "kolada_id": row.get("kolada_id", ""),
                "org_number": row.get("org_number", ""),
            },
        )

    bodies = {}
    for row in data["bodies"]:
        bodies[row["slug"]] = seeder.upsert(
            Body,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "organisation": organisations[row["organisation"]],
                "mandate": text(row.get("mandate")),
                "email": row.get("email", ""),
            },
        )

    coordinators = _coordinator_group()
    users = list(data["users"])
    for row in data["bodies"]:
        if row.get("area"):
            label = row["area"]
            users.append(
                {
                    "username": f"insatsledare-{slugify(label)}",
                    "first_name": "Demo",
                    "last_name": f"Insatsledare {label}",
                    "job_title": f"Insatsledare för {label}",
                    "organisation": "Region Örebro län",
                    "body": row["slug"],
                    "role": Membership.Role.LEAD,
                }
            )
    for row in data["organisations"]:
        if row["kind"] == Organisation.Kind.MUNICIPALITY:
            users.append(
                {
                    "username": f"kontakt-{slugify(row['short'])}",
                    "first_name": "Demo",
                    "last_name": f"Kontakt {row['short']}",
                    "job_title": "Kontaktperson för digitalisering",
                    "organisation": row["name"],
                    "contact": True,
                }
            )

    for row in users:
        user = _demo_user(seeder, row, organisations[row["organisation"]])
        seeder.demo_users.append(user.username)
        if row.get("body"):
            seeder.upsert(
                Membership,
                {"body": bodies[row["body"]], "user": user, "ended_on": None},
                {"role": row["role"]},
            )
        if row.get("staff") and not user.groups.filter(pk=coordinators.pk).exists():
            user.groups.add(coordinators)

    for row in data.get("meetings", []):
        _seed_meetings(bodies[row["body"]], row)


def _seed_meetings(body: Body, row: dict) -> None:
    """Meetings a set number of days from the day the demo is loaded, so that one is held
    today and one is coming. Created once: after that the body's meetings are its own."""
    if body.meetings.exists():
        return
    first_day = today()
    for offset in row["days_from_today"]:
        day = first_day + timedelta(days=offset)
        starts = timezone.make_aware(datetime.combine(day, time(13, 0)))
        Meeting.objects.create(
            body=body,
            title=row["title"],
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            location=row.get("location", ""),
            agenda=text(row.get("agenda", "")),
        )


def _demo_user(seeder: Seeder, row: dict, organisation: Organisation) -> User:
    values = {
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": f"{row['username']}@example.org",
        "job_title": row.get("job_title", ""),
        "organisation": organisation,
        "is_contact": row.get("contact", False),
        "is_staff": row.get("staff", False),
    }
    if User.objects.filter(username=row["username"]).exists():
        # The password is only set on creation, so a changed password survives a re-seed.
        user = seeder.upsert(User, {"username": row["username"]}, values)
        contact_access_sync(user=user)
        return user
    if not settings.DEMO_PASSWORD:
        raise ValueError("Set DEMO_PASSWORD to create the demo users.")
    user = User(username=row["username"], **values)
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    seeder.created["users"] += 1
    contact_access_sync(user=user)
    return user


def _coordinator_group() -> Group:
    group, _ = Group.objects.get_or_create(name="Samordnare")
    wanted = set(
        Permission.objects.filter(content_type__app_label__in=COORDINATOR_APPS)
        .exclude(content_type__model__startswith="historical")
        .values_list("pk", flat=True)
    )
    if set(group.permissions.values_list("pk", flat=True)) != wanted:
        group.permissions.set(wanted)
    return group
