"""The engine itself (not just the rule file) flags every ONC high-priority pair among
Lumen's drugs as major: class rules expanded, pair rules winning, as users see it."""

from __future__ import annotations

from knowledge.models import Drug
from tests.ddi_reference import onc_figures


def test_every_onc_high_priority_pair_lumen_knows_is_flagged_major(drug_database, db):
    figures = onc_figures({d.name: d for d in Drug.objects.all()})
    assert figures["pairs"] >= 50
    # The vocabulary and NDF-RT brought in hundreds of specialist drugs (HIV boosters, withdrawn
    # QT drugs); the bar is the 90% of pairs among every drug Lumen now knows.
    print(f"\nONC: {figures['flagged_major']}/{figures['pairs']} flagged major")
    assert figures["share_major"] >= 0.9, figures["not_major"]
