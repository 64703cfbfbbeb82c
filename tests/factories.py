"""factory_boy factories. Agencies and users are plain rows; cases are opened through the real
service so that participation, default grants and guardian rows are exactly as in production."""

import importlib
import uuid
from datetime import timedelta
from typing import Any

import factory
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Role, User, agency_group_name
from casework.models import Case
from casework.services.cases import case_open

PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    public_id = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.CHILD_WELFARE
    jurisdiction = "TX"
    group = factory.LazyAttribute(
        lambda agency: Group.objects.create(name=agency_group_name(agency.public_id))
    )


class UserFactory(factory.django.DjangoModelFactory):
    """Accounts with a known password, set directly: tests sign in as them. Real accounts get an
    unusable password and an enrolment link (`agencies.services.user_create`)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Worker{n}")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CASEWORKER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def agency_group(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and self.agency is not None:
            self.groups.add(self.agency.group)
        if create:
            self.save()


class PlatformAdminFactory(UserFactory):
    agency = None
    role = ""
    is_staff = True
    is_superuser = True


def open_case(*, actor: User, pseudonym: str = "M.R.", **kwargs: Any) -> Case:
    return case_open(actor=actor, pseudonym=pseudonym, **kwargs)


def in_hours(hours: float) -> Any:
    return timezone.now() + timedelta(hours=hours)


def federal_deadline_templates() -> None:
    """(Re)create the federal deadline templates exactly as the data migrations leave them (0003
    creates them, 0010 names their sections, 0011 adds the court hearing reminders). Transactional
    tests flush the database, data-migration rows included, so tests that need them call this."""
    federal = importlib.import_module("casework.migrations.0003_federal_deadline_templates")
    sections = importlib.import_module("casework.migrations.0010_derived_records_carry_section")
    template_model = apps.get_model("casework", "DeadlineTemplate")
    for values in federal.FEDERAL_TEMPLATES:
        key = values["key"]
        defaults = {
            "anchor": "event",
            "age_years": None,
            "offset_months": 0,
            "offset_days": 0,
            "offset_hours": 0,
            "repeats": False,
            "yields_to_state": False,
            "jurisdiction": "US",
            "active": True,
            **{name: value for name, value in values.items() if name != "key"},
            "section": sections.FEDERAL_SECTIONS[key],
            "asks_owner": key in sections.ASKS_OWNER,
        }
        template_model.objects.update_or_create(key=key, defaults=defaults)
    # The court hearing reminders (issue 13), created by their migration's own function.
    court = importlib.import_module("casework.migrations.0012_event_corrections")
    court.create_court_hearing_templates(apps, None)
    # The labor-trafficking report and the screening reminders (issue 15).
    screening = importlib.import_module("casework.migrations.0018_labor_trafficking_and_screening_templates")
    screening.create_templates(apps, None)
    # The victims' rights notices of the criminal case (issue 16, court).
    court_notices = importlib.import_module("casework.migrations.0022_court_victim_notice_templates")
    court_notices.create_victim_notice_templates(apps, None)
    # The case plan review (issue 16).
    plans = importlib.import_module("casework.migrations.0024_plans_case_plan_review")
    plans.create_template(apps, None)
    # Their names and descriptions in Spanish (issue 19).
    spanish = importlib.import_module("casework.migrations.0029_deadline_templates_in_spanish")
    spanish.add_spanish(apps, None)


def sample_screening_instrument() -> None:
    """(Re)create the sample screening instrument its data migration ships (issue 15), for tests
    after a transactional test flushed it."""
    migration = importlib.import_module("screening.migrations.0002_sample_instrument")
    migration.create_instrument(apps, None)


def shipped_service_types() -> None:
    """(Re)create the service types the referrals' data migration ships (issue 16), for tests after
    a transactional test flushed them."""
    seed = importlib.import_module("referrals.migrations.0002_service_types")
    seed.add_service_types(apps, None)


def shipped_nicknames() -> None:
    """(Re)load matching's nickname table as its migration does, after a transactional test
    flushed it."""
    seed = importlib.import_module("matching.migrations.0001_initial")
    seed.load_nicknames(apps, None)


def shipped_document_types() -> None:
    """(Re)create the document types the documents' data migration ships (issue 17), for tests
    after a transactional test flushed them."""
    seed = importlib.import_module("documents.migrations.0002_document_types")
    seed.add_document_types(apps, None)
