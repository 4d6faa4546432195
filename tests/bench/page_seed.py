"""Seed the patients of the page-overhead benchmark: each with a typical profile (four
medicines, one recognised as a brand, an allergy and a condition), rewritten on every run so
the pages measured are the same from run to run.

Run by tests/bench/test_page_overhead.py as
`python -m tests.bench.page_seed COUNT PASSWORD` with DATABASE_URL set.
"""

from __future__ import annotations

import datetime
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumen.settings")

MEDICINES = ("Coumadin", "lisinopril", "metformin", "atorvastatin")


def email(n: int) -> str:
    return f"overhead{n}@load.example"


def main(count: int, password: str) -> None:
    import django

    django.setup()
    from lumen.accounts.roles import Role
    from lumen.accounts.services import user_ensure
    from patients.models import Allergy, Condition, Medication, Profile
    from patients.services import profile_item_save

    for n in range(count):
        user, _ = user_ensure(email=email(n), password=password, role=Role.PATIENT, name=f"O{n}")
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.date_of_birth, profile.sex = datetime.date(1958, 5, 1), "female"
        profile.save()
        for model in (Medication, Condition, Allergy):
            model.objects.filter(profile=profile).delete()
        for name in MEDICINES:
            profile_item_save(Medication(profile=profile, name=name))
        profile_item_save(Condition(profile=profile, name="CKD stage 3"))
        profile_item_save(Allergy(profile=profile, substance="penicillin", reaction="rash"))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
