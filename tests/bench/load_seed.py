"""Seed a load-test database: patients, pharma QA users with one QA document each.

Run by tests/bench/test_load.py as `python -m tests.bench.load_seed PATIENTS PHARMA PASSWORD`
with DATABASE_URL set; prints {"documents": [uid, ...]} as JSON. Idempotent.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumen.settings")


def main(patients: int, pharma: int, password: str) -> dict:
    import django

    django.setup()
    from lumen.accounts.roles import Role
    from lumen.accounts.services import user_ensure
    from patients.models import Profile
    from pharma import documents, kinds
    from pharma.models import Membership, Organisation, QADocument
    from tests.pharma.document_data import complete_content

    for n in range(patients):
        user, _ = user_ensure(
            email=f"patient{n}@load.example", password=password, role=Role.PATIENT, name=f"P{n}"
        )
        Profile.objects.get_or_create(user=user)
    organisation, _ = Organisation.objects.get_or_create(name="Load Pharma")
    kind_key, kind = next(iter(kinds.KINDS.items()))
    uids = []
    for n in range(pharma):
        user, _ = user_ensure(
            email=f"qa{n}@load.example", password=password, role=Role.PHARMA, name=f"QA{n}"
        )
        Membership.objects.get_or_create(user=user, defaults={"organisation": organisation})
        document = QADocument.objects.filter(organisation=organisation, title=f"Load {n}").first()
        if document is None:
            document = documents.document_create(
                organisation=organisation, user=user, kind=kind_key, title=f"Load {n}"
            )
            documents.revision_save(
                document=document, user=user, content=complete_content(kind, rows=10),
                reason="Load test",
            )  # fmt: skip
        uids.append(str(document.uid))
    return {"documents": uids}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])))
