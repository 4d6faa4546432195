"""The regulatory pathway rules, table-driven: each scenario's answers name the expected
pathways, every finding gives reasons from the answers and cites its legal basis, and
questions appear only where they apply."""

from __future__ import annotations

import pytest

from pharma import pathways

SMALL_NEW = {"product_type": "small_molecule", "novelty": "new"}
EU_DCP = {"region": "EU", "eu_markets": "several", "eu_authorised": "no"}

SCENARIOS = [
    # United States
    ("US new small molecule, own data", {"region": "US", **SMALL_NEW, "data_rights": "own"},
     {"us_505b1"}),
    ("US known small molecule, right of reference",
     {"region": "US", "product_type": "small_molecule", "novelty": "known", "data_rights": "reference"},
     {"us_505b1"}),
    ("US small molecule on literature", {"region": "US", **SMALL_NEW, "data_rights": "none"},
     {"us_505b2"}),
    ("US new formulation relying on FDA's finding",
     {"region": "US", "product_type": "variant", "variant_kind": "formulation", "data_rights": "none"},
     {"us_505b2"}),
    ("US new combination, own studies",
     {"region": "US", "product_type": "variant", "variant_kind": "combination", "data_rights": "own"},
     {"us_505b1"}),
    ("US duplicate generic",
     {"region": "US", "product_type": "generic", "reference_product": "Lipitor", "same_as_reference": "yes"},
     {"us_anda"}),
    ("US generic with another dosage form",
     {"region": "US", "product_type": "generic", "reference_product": "Lipitor", "same_as_reference": "no"},
     {"us_505b2", "us_suitability"}),
    ("US new biologic", {"region": "US", "product_type": "biologic", "novelty": "new", "data_rights": "own"},
     {"us_bla_351a"}),
    ("US biosimilar", {"region": "US", "product_type": "biosimilar", "reference_product": "Humira"},
     {"us_bla_351k"}),
    ("US OTC conforming to a monograph", {"region": "US", "product_type": "otc_monograph", "otc_conforms": "yes"},
     {"us_otc_monograph"}),
    ("US OTC deviating from its monograph", {"region": "US", "product_type": "otc_monograph", "otc_conforms": "no"},
     {"us_omor", "us_505b2"}),
    # European Union
    ("EU new oncology small molecule", {"region": "EU", **SMALL_NEW, "data_rights": "own", "eu_indication": "cancer",
                                        "orphan": "no", "eu_markets": "all", "eu_authorised": "no"},
     {"eu_centralised_mandatory", "eu_full"}),
    ("EU new small molecule for hypertension in several states",
     {**EU_DCP, **SMALL_NEW, "data_rights": "own", "eu_indication": "other", "orphan": "no"},
     {"eu_centralised_optional", "eu_dcp", "eu_full"}),
    ("EU orphan small molecule in one state",
     {"region": "EU", **SMALL_NEW, "data_rights": "own", "eu_indication": "other", "orphan": "yes", "eu_markets": "one"},
     {"eu_centralised_mandatory", "eu_full"}),
    ("EU monoclonal antibody", {"region": "EU", "product_type": "biologic", "novelty": "new", "data_rights": "own",
                                "eu_indication": "autoimmune", "orphan": "no", "advanced_therapy": "no",
                                "eu_markets": "all", "eu_authorised": "no"},
     {"eu_centralised_mandatory", "eu_full"}),
    ("EU gene therapy with the holder's consent",
     {"region": "EU", "product_type": "biologic", "novelty": "known", "data_rights": "reference", "orphan": "no",
      "advanced_therapy": "yes", "eu_markets": "one"},
     {"eu_centralised_mandatory", "eu_informed_consent"}),
    ("EU biosimilar", {"region": "EU", "product_type": "biosimilar", "reference_product": "Herceptin",
                       "eu_markets": "all", "eu_authorised": "no"},
     {"eu_centralised_mandatory", "eu_biosimilar"}),
    ("EU generic in several states, not yet authorised",
     {**EU_DCP, "product_type": "generic", "reference_product": "Zocor", "same_as_reference": "yes"},
     {"eu_dcp", "eu_generic"}),
    ("EU generic authorised in one state, extending",
     {"region": "EU", "eu_markets": "several", "eu_authorised": "yes", "product_type": "generic",
      "reference_product": "Zocor", "same_as_reference": "yes"},
     {"eu_mrp", "eu_generic"}),
    ("EU generic for one member state",
     {"region": "EU", "eu_markets": "one", "product_type": "generic", "reference_product": "Zocor",
      "same_as_reference": "yes"},
     {"eu_national", "eu_generic"}),
    ("EU new strength relying on the reference (hybrid)",
     {**EU_DCP, "product_type": "variant", "variant_kind": "formulation", "reference_product": "Zocor",
      "data_rights": "none", "well_established_use": "no", "orphan": "no"},
     {"eu_dcp", "eu_hybrid"}),
    ("EU well-established use in one state",
     {"region": "EU", "product_type": "small_molecule", "novelty": "known", "data_rights": "none",
      "well_established_use": "yes", "orphan": "no", "eu_markets": "one"},
     {"eu_national", "eu_well_established"}),
    ("EU new fixed combination EU-wide",
     {"region": "EU", "product_type": "variant", "variant_kind": "combination", "data_rights": "own",
      "orphan": "no", "eu_markets": "all", "eu_authorised": "no"},
     {"eu_centralised_optional", "eu_dcp", "eu_fixed_combination"}),
    ("EU OTC product of monograph type",
     {"region": "EU", "product_type": "otc_monograph", "eu_markets": "one"},
     {"eu_national", "eu_well_established"}),
    # United Kingdom
    ("UK product already approved by FDA", {"region": "UK", **SMALL_NEW, "data_rights": "own",
                                             "reference_regulator": "yes"},
     {"uk_irp", "uk_full"}),
    ("UK first approval worldwide", {"region": "UK", "product_type": "biologic", "novelty": "new",
                                      "data_rights": "own", "reference_regulator": "no"},
     {"uk_national", "uk_full"}),
    ("UK generic", {"region": "UK", "product_type": "generic", "reference_product": "Zocor",
                    "same_as_reference": "yes", "reference_regulator": "no"},
     {"uk_national", "uk_generic"}),
    ("UK hybrid generic via IRP", {"region": "UK", "product_type": "generic", "reference_product": "Zocor",
                                   "same_as_reference": "no", "reference_regulator": "yes"},
     {"uk_irp", "uk_hybrid"}),
    ("UK biosimilar", {"region": "UK", "product_type": "biosimilar", "reference_product": "Humira",
                       "reference_regulator": "yes"},
     {"uk_irp", "uk_biosimilar"}),
    ("UK well-established use", {"region": "UK", "product_type": "variant", "variant_kind": "formulation",
                                 "data_rights": "none", "well_established_use": "yes", "reference_regulator": "no"},
     {"uk_national", "uk_well_established"}),
    ("UK informed consent", {"region": "UK", "product_type": "small_molecule", "novelty": "known",
                             "data_rights": "reference", "reference_regulator": "no"},
     {"uk_national", "uk_informed_consent"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "expected"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS]
)
def test_each_scenario_names_the_expected_pathways(answers, expected):
    assert pathways.missing_answers(answers) == []
    assessment = pathways.assess(answers)
    assert assessment.pathway_keys == expected
    for finding in assessment.findings:
        assert finding.pathway.citations
        assert finding.pathway.region == answers["region"]
        # Reasons start from the answers given, then say why they lead here.
        answered = [r for r in finding.reasons if "you answered" in r]
        assert answered and all(r.split(" — you answered: ")[1].rstrip(".") for r in answered)
        assert any("you answered" not in r for r in finding.reasons)


def test_there_are_enough_scenarios_and_every_pathway_is_reached():
    assert len(SCENARIOS) >= 20
    reached = set().union(*(pathways.assess(a).pathway_keys for _, a, _ in SCENARIOS))
    assert reached == set(pathways.PATHWAYS)


def test_reasons_quote_the_answers_given():
    answers = {"region": "US", "product_type": "generic", "reference_product": "Lipitor",
               "same_as_reference": "yes"}  # fmt: skip
    (finding,) = pathways.assess(answers).findings
    assert "Reference product named: Lipitor." in finding.reasons
    assert "Product type — you answered: Generic of an authorised small-molecule medicine." in (
        finding.reasons
    )


def test_the_centralised_mandatory_scope_excludes_national_routes():
    answers = {"region": "EU", "product_type": "biologic", "novelty": "new", "data_rights": "own",
               "eu_indication": "cancer", "orphan": "yes", "advanced_therapy": "no",
               "eu_markets": "one"}  # fmt: skip
    keys = pathways.assess(answers).pathway_keys
    assert "eu_centralised_mandatory" in keys and "eu_national" not in keys
    (mandatory,) = [
        f for f in pathways.assess(answers).findings if f.pathway.key.endswith("mandatory")
    ]
    assert any("point 1" in r for r in mandatory.reasons)
    assert any("point 4" in r for r in mandatory.reasons)
    assert any("point 3" in r for r in mandatory.reasons)


def test_notes_flag_exclusivities_and_limits():
    notes = pathways.assess({"region": "US", **SMALL_NEW, "data_rights": "own"}).notes
    assert any("five years" in text for text, _ in notes)
    notes = pathways.assess({"region": "US", "product_type": "biologic", "novelty": "known",
                             "data_rights": "none"}).notes  # fmt: skip
    assert any("literature alone is not an option" in text for text, _ in notes)


def test_questions_appear_only_where_they_apply():
    keys = [q.key for q in pathways.relevant_questions({})]
    assert keys == ["region", "product_type"]
    us_generic = [
        q.key for q in pathways.relevant_questions({"region": "US", "product_type": "generic"})
    ]
    assert us_generic == ["region", "product_type", "reference_product", "same_as_reference"]
    eu_new = [q.key for q in pathways.relevant_questions({"region": "EU", **SMALL_NEW})]
    assert {"eu_indication", "orphan", "eu_markets"} <= set(eu_new)
    assert "reference_regulator" not in eu_new and "otc_conforms" not in eu_new


def test_answers_to_questions_that_do_not_apply_are_ignored():
    answers = {"region": "US", "product_type": "generic", "reference_product": "Zocor",
               "same_as_reference": "yes", "orphan": "yes", "eu_markets": "one"}  # fmt: skip
    assert pathways.assess(answers).pathway_keys == {"us_anda"}


def test_missing_answers_name_the_relevant_unanswered_questions():
    missing = pathways.missing_answers({"region": "UK", "product_type": "biosimilar"})
    assert [q.key for q in missing] == ["reference_product", "reference_regulator"]
    assert [q.key for q in pathways.missing_answers({"region": "Mars"})] == [
        "region",
        "product_type",
    ]


def test_the_disclaimer_says_it_is_not_regulatory_advice():
    assert "not regulatory advice" in pathways.DISCLAIMER
    assert pathways.assess({"region": "US"}).disclaimer == pathways.DISCLAIMER
