import factory
from django.utils.text import slugify

from actionplans.models import ActionPlan, Activity
from portal.models import Body, Membership, Organisation, User
from strategy.models import CollaborationArea, FocusArea, StrategicDirection, Strategy


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.MUNICIPALITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("secret-password")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Grupp {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Body.Kind.STEERING_GROUP
    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.REGION)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    title = factory.Sequence(lambda n: f"Strategi {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.REGION)
    period_start = 2021
    period_end = 2026


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Fokusområde {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    goal = "Ett mål."


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicDirection

    focus_area = factory.SubFactory(FocusAreaFactory)
    title = factory.Sequence(lambda n: f"Inriktning {n}")


class CollaborationAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollaborationArea

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Område {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    strategy = factory.SubFactory(StrategyFactory)
    year = 2025
    title = factory.LazyAttribute(lambda o: f"Aktiviteter {o.year}")
    state = ActionPlan.State.PUBLISHED


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    plan = factory.SubFactory(ActionPlanFactory)
    title = factory.Sequence(lambda n: f"Aktivitet {n}")
    collaboration_area = factory.SubFactory(
        CollaborationAreaFactory, strategy=factory.SelfAttribute("..plan.strategy")
    )
    lead_organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.REGION)
