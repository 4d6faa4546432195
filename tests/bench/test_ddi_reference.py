"""Interaction checker against reference sets: ONC high-priority pairs flagged major, and
severity agreement with DDInter (evaluation only: DDInter is non-commercial). Figures go to
.lumen/bench/ddi_reference.json and docs/benchmarks.md."""

from __future__ import annotations

from knowledge.models import Drug
from tests.bench.conftest import OUT
from tests.ddi_reference import ddinter_figures, onc_figures, write_disagreements


def test_ddi_reference(drug_database, db, record):
    drugs = {d.name: d for d in Drug.objects.all()}
    onc = onc_figures(drugs)
    ddinter = ddinter_figures(drugs)
    OUT.mkdir(parents=True, exist_ok=True)
    write_disagreements(OUT / "ddinter_disagreements.tsv", ddinter.pop("disagreements"))
    record("ddi_reference", {"lumen_drugs": len(drugs), "onc": onc, "ddinter": ddinter})
    assert onc["share_major"] == 1.0, onc["not_major"]
