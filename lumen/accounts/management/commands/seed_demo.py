"""Create the demo accounts for local development and print how to sign in."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lumen.accounts.roles import DEFAULT_STAFF_ROLE, Role, grant_staff_role
from lumen.accounts.services import user_ensure
from lumen.lib import devsecrets

DEMO_ORGANISATION = "Demo Pharma Ltd"
DEMO_ACCOUNTS = (
    ("patient@example.com", "Pat Demo", Role.PATIENT),
    ("qa@example.com", "Quinn Analyst", Role.PHARMA),
    ("staff@example.com", "Sam Staff", Role.STAFF),
)


class Command(BaseCommand):
    help = (
        "Create (or reset) one demo account per role: patient, pharma QA (in a demo "
        "organisation) and staff (default staff role). Development only: refuses to run with DEBUG off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a known password: DEBUG only.")
        from pharma.models import Membership, Organisation

        password = devsecrets.load_or_create(settings.STATE_DIR / "dev-secrets.json")[
            "DEMO_PASSWORD"
        ]
        organisation, _ = Organisation.objects.get_or_create(name=DEMO_ORGANISATION)
        self.stdout.write("Demo accounts (same password for all):")
        for email, name, role in DEMO_ACCOUNTS:
            user, created = user_ensure(email=email, password=password, role=role, name=name)
            if role is Role.PHARMA:
                Membership.objects.get_or_create(user=user, defaults={"organisation": organisation})
            if role is Role.STAFF:
                # A known password must not open everything: the demo staff account gets the
                # default staff role, and loses superuser status an older seed_demo gave it.
                grant_staff_role(user, DEFAULT_STAFF_ROLE)
                if user.is_superuser:
                    user.is_superuser = False
                    user.save(update_fields=["is_superuser"])
            state = "created" if created else "ready"
            self.stdout.write(f"  {role.value:<8} {email:<22} ({state})")
        self.stdout.write(self.style.SUCCESS(f"  password: {password}"))
        self.stdout.write(
            f"  staff holds the {DEFAULT_STAFF_ROLE.value!r} role and sets up two-factor "
            "at the first visit to /admin/."
        )
