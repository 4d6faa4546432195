"""Which marketing-authorisation pathway(s) a medicine is likely to take in the US, the EU or
the UK, from a short questionnaire. Rules are data: each names a pathway, the answers it needs
and why; every finding lists the answers that led to it, and every pathway its legal basis.

Pure: answers (question key -> choice key, "" when unanswered) in, an `Assessment` out.
Informational only: a pathway is settled with the agency, not by this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DISCLAIMER = (
    "Informational only, not regulatory advice: confirm the pathway with the agency (FDA, EMA "
    "or the national competent authority, MHRA) or a qualified regulatory professional before "
    "planning a submission."
)


@dataclass(frozen=True)
class Citation:
    title: str
    url: str


@dataclass(frozen=True)
class Pathway:
    key: str
    region: str
    kind: str  # "Application", "Procedure", "Legal basis", "Route" or "Note"
    name: str
    summary: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    choices: tuple[tuple[str, str], ...]  # empty: free text
    # Shown and required only where the answers so far match every entry ({} = always).
    applies: Mapping[str, frozenset[str]] = field(default_factory=dict)
    required: bool = True
    help: str = ""
    # Required where the answers match these too, even when `required` is False.
    required_when: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    pathway: str
    when: Mapping[str, frozenset[str]]
    why: str
    unless: str = ""  # skipped when this pathway was already found (rules run in order)


def _set(*values: str) -> frozenset[str]:
    return frozenset(values)


# --- Citations -----------------------------------------------------------------------------

FDCA_505 = Citation(
    "FD&C Act §505 (21 U.S.C. 355)", "https://www.law.cornell.edu/uscode/text/21/355"
)
CFR_314_50 = Citation(
    "21 CFR 314.50 (content of an NDA)", "https://www.ecfr.gov/current/title-21/section-314.50"
)
CFR_314_54 = Citation(
    "21 CFR 314.54 (505(b)(2) applications)", "https://www.ecfr.gov/current/title-21/section-314.54"
)
CFR_314_93 = Citation(
    "21 CFR 314.93 (suitability petitions)", "https://www.ecfr.gov/current/title-21/section-314.93"
)
CFR_314_94 = Citation(
    "21 CFR 314.94 (content of an ANDA)", "https://www.ecfr.gov/current/title-21/section-314.94"
)
CFR_314_70 = Citation(
    "21 CFR 314.70 (supplements and changes to an approved NDA)",
    "https://www.ecfr.gov/current/title-21/section-314.70",
)
GUIDE_505B2 = Citation(
    "FDA draft guidance: Applications Covered by Section 505(b)(2) (1999; revised draft 2019)",
    "https://www.fda.gov/regulatory-information/search-fda-guidance-documents/applications-covered-section-505b2",
)
GUIDE_ANDA_OR_B2 = Citation(
    "FDA guidance: Determining Whether to Submit an ANDA or a 505(b)(2) Application (2019)",
    "https://www.fda.gov/regulatory-information/search-fda-guidance-documents/determining-whether-submit-anda-or-505b2-application",
)
PHSA_351 = Citation(
    "PHS Act §351 (42 U.S.C. 262), as amended by the BPCI Act 2009",
    "https://www.law.cornell.edu/uscode/text/42/262",
)
CFR_601 = Citation(
    "21 CFR Part 601 (biologics licensing)", "https://www.ecfr.gov/current/title-21/part-601"
)
FDCA_505G = Citation(
    "FD&C Act §505G (21 U.S.C. 355h), added by the CARES Act 2020 (OTC monograph reform)",
    "https://www.law.cornell.edu/uscode/text/21/355h",
)
FDA_OTC_REFORM = Citation(
    "FDA: OTC monograph reform in the CARES Act",
    "https://www.fda.gov/drugs/otc-monograph-reform-cares-act",
)
REG_726 = Citation(
    "Regulation (EC) No 726/2004, Art. 3 and Annex I (centralised procedure scope)",
    "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02004R0726-20220128",
)
REG_141 = Citation(
    "Regulation (EC) No 141/2000 (orphan medicinal products)",
    "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32000R0141",
)
REG_1394 = Citation(
    "Regulation (EC) No 1394/2007 (advanced therapy medicinal products)",
    "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32007R1394",
)
DIR_2001_83 = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02001L0083-20220101"
DIR_ART6 = Citation("Directive 2001/83/EC, Art. 6 (national marketing authorisation)", DIR_2001_83)
DIR_ART28 = Citation(
    "Directive 2001/83/EC, Art. 28 (mutual recognition and decentralised procedures)", DIR_2001_83
)
DIR_ART8 = Citation("Directive 2001/83/EC, Art. 8(3) (full application)", DIR_2001_83)
DIR_ART10_1 = Citation("Directive 2001/83/EC, Art. 10(1) (generic application)", DIR_2001_83)
DIR_ART10_3 = Citation("Directive 2001/83/EC, Art. 10(3) (hybrid application)", DIR_2001_83)
DIR_ART10_4 = Citation(
    "Directive 2001/83/EC, Art. 10(4) (similar biological application)", DIR_2001_83
)
DIR_ART10A = Citation("Directive 2001/83/EC, Art. 10a (well-established use)", DIR_2001_83)
DIR_ART10B = Citation("Directive 2001/83/EC, Art. 10b (fixed combination)", DIR_2001_83)
DIR_ART10C = Citation("Directive 2001/83/EC, Art. 10c (informed consent)", DIR_2001_83)
DIR_ART71 = Citation("Directive 2001/83/EC, Arts. 70-75 (classification for supply)", DIR_2001_83)
CMDH = Citation(
    "CMDh: best practice guides for MRP and DCP", "https://www.hma.eu/human-medicines/cmdh.html"
)
HMR_2012 = "https://www.legislation.gov.uk/uksi/2012/1916/contents"
HMR_PART5 = Citation(
    "Human Medicines Regulations 2012 (SI 2012/1916), Part 5 and Schedule 8", HMR_2012
)
HMR_REG51 = Citation(
    "Human Medicines Regulations 2012, reg. 51 (generic medicinal products)", HMR_2012
)
HMR_REG52 = Citation(
    "Human Medicines Regulations 2012, reg. 52 (products that do not qualify as generic)", HMR_2012
)
HMR_REG53A = Citation(
    "Human Medicines Regulations 2012, reg. 53A (similar biological products, GB)", HMR_2012
)
HMR_REG5 = Citation(
    "Human Medicines Regulations 2012, reg. 5 (classification: POM, P, GSL)", HMR_2012
)
MHRA_IRP = Citation(
    "MHRA: International Recognition Procedure (from 1 January 2024)",
    "https://www.gov.uk/government/publications/international-recognition-procedure",
)
MHRA_150 = Citation(
    "MHRA: 150-day assessment for national applications for medicines",
    "https://www.gov.uk/guidance/guidance-on-150-day-assessment-for-national-applications-for-medicines",
)

# --- Pathways ------------------------------------------------------------------------------

_PATHWAYS = (
    Pathway("us_505b1", "US", "Application", "NDA under section 505(b)(1)",
            "A stand-alone New Drug Application: full reports of the safety and effectiveness "
            "investigations, conducted by or for the applicant or with a right of reference.",
            (FDCA_505, CFR_314_50)),
    Pathway("us_505b2", "US", "Application", "NDA under section 505(b)(2)",
            "An NDA in which some of the safety and effectiveness information comes from studies "
            "not conducted by or for the applicant and without a right of reference: published "
            "literature, or FDA's finding for a listed drug.",
            (FDCA_505, CFR_314_54, GUIDE_505B2, GUIDE_ANDA_OR_B2)),
    Pathway("us_anda", "US", "Application", "ANDA under section 505(j)",
            "An Abbreviated New Drug Application for a duplicate of a reference listed drug: the "
            "same active ingredient, strength, dosage form, route and labelling, shown "
            "bioequivalent, without new clinical safety and efficacy studies.",
            (FDCA_505, CFR_314_94, GUIDE_ANDA_OR_B2)),
    Pathway("us_suitability", "US", "Application", "ANDA after a suitability petition (505(j)(2)(C))",
            "A change from the reference listed drug in dosage form, strength, route or one "
            "active ingredient of a combination may still go through an ANDA once FDA grants a "
            "suitability petition (not where safety or effectiveness studies are needed).",
            (FDCA_505, CFR_314_93)),
    Pathway("us_bla_351a", "US", "Application", "BLA under PHS Act section 351(a)",
            "A Biologics License Application showing the product is safe, pure and potent, on "
            "the applicant's own data or data it has a right of reference to.",
            (PHSA_351, CFR_601)),
    Pathway("us_bla_351k", "US", "Application", "Biosimilar BLA under PHS Act section 351(k)",
            "An abbreviated licence for a product highly similar to an FDA-licensed reference "
            "product with no clinically meaningful differences (optionally interchangeable).",
            (PHSA_351,)),
    Pathway("us_otc_monograph", "US", "Application", "OTC monograph (section 505G), no application",
            "A non-prescription drug that conforms to an OTC monograph order and the general OTC "
            "conditions may be marketed without an approved application.",
            (FDCA_505G, FDA_OTC_REFORM)),
    Pathway("us_omor", "US", "Application", "OTC monograph order request (OMOR) under section 505G(b)",
            "A request that FDA add or change a monograph order (e.g. a new ingredient, dose or "
            "indication) so that products conforming to it need no application.",
            (FDCA_505G, FDA_OTC_REFORM)),
    Pathway("eu_centralised_mandatory", "EU", "Procedure", "Centralised procedure (mandatory)",
            "One application to EMA; the European Commission grants one authorisation valid in "
            "every EU/EEA state. The product is within the mandatory scope of Annex I.",
            (REG_726,)),
    Pathway("eu_centralised_optional", "EU", "Procedure", "Centralised procedure (optional scope)",
            "Open, not compulsory: a new active substance, a significant therapeutic, scientific "
            "or technical innovation, or a product in the interest of patients at EU level "
            "(Art. 3(2)).",
            (REG_726,)),
    Pathway("eu_national", "EU", "Procedure", "National procedure",
            "An authorisation from one member state's competent authority under its national "
            "law, valid in that state only.",
            (DIR_ART6,)),
    Pathway("eu_dcp", "EU", "Procedure", "Decentralised procedure (DCP)",
            "Simultaneous authorisation in several member states where the product is not yet "
            "authorised in any; one reference member state leads the assessment.",
            (DIR_ART28, CMDH)),
    Pathway("eu_mrp", "EU", "Procedure", "Mutual recognition procedure (MRP)",
            "Other member states recognise an existing national authorisation granted by the "
            "reference member state.",
            (DIR_ART28, CMDH)),
    Pathway("eu_full", "EU", "Legal basis", "Full application (Art. 8(3))",
            "A complete dossier of quality, non-clinical and clinical data.", (DIR_ART8,)),
    Pathway("eu_informed_consent", "EU", "Legal basis", "Informed consent application (Art. 10c)",
            "The marketing authorisation holder of an authorised product consents to the use of "
            "its dossier for the application.", (DIR_ART10C,)),
    Pathway("eu_generic", "EU", "Legal basis", "Generic application (Art. 10(1))",
            "Relies on the reference medicinal product's data once the data-exclusivity period "
            "has run (8+2(+1) years); bioequivalence shown. If the reference product is "
            "centrally authorised the centralised procedure is also open (Reg. 726/2004 "
            "Art. 3(3)).", (DIR_ART10_1, REG_726)),
    Pathway("eu_hybrid", "EU", "Legal basis", "Hybrid application (Art. 10(3))",
            "Relies partly on a reference product and partly on new studies, where the product "
            "differs (strength, pharmaceutical form, route, indication) or bioequivalence alone "
            "cannot show it.", (DIR_ART10_3,)),
    Pathway("eu_biosimilar", "EU", "Legal basis", "Similar biological application (Art. 10(4))",
            "Comparability data against a reference biological medicinal product.",
            (DIR_ART10_4,)),
    Pathway("eu_well_established", "EU", "Legal basis", "Well-established use (Art. 10a)",
            "Bibliographic application: at least ten years' well-established medicinal use in "
            "the EU with recognised efficacy and an acceptable level of safety.", (DIR_ART10A,)),
    Pathway("eu_fixed_combination", "EU", "Legal basis", "Fixed combination application (Art. 10b)",
            "New data on the combination of active substances already used in authorised "
            "products; no references needed for each substance alone.", (DIR_ART10B,)),
    Pathway("uk_irp", "UK", "Route", "MHRA International Recognition Procedure (IRP)",
            "The MHRA takes account of an approval by a reference regulator (FDA, EMA/European "
            "Commission, Health Canada, Swissmedic, TGA, PMDA, HSA): Recognition A (60 days) or "
            "B (110 days). Replaced the EC Decision Reliance Procedure from 2024.",
            (MHRA_IRP, HMR_PART5)),
    Pathway("uk_national", "UK", "Route", "MHRA national assessment (150-day)",
            "A full national assessment by the MHRA, within 150 days for a complete, "
            "high-quality application; since 2025 a UK-wide licence under the Windsor Framework.",
            (MHRA_150, HMR_PART5)),
    Pathway("uk_full", "UK", "Legal basis", "Full application (HMR 2012 Part 5, Schedule 8)",
            "A complete dossier of quality, non-clinical and clinical data.", (HMR_PART5,)),
    Pathway("uk_informed_consent", "UK", "Legal basis", "Informed consent application (HMR 2012 Part 5)",
            "Cross-reference, with the holder's consent, to the dossier of a UK-authorised product.",
            (HMR_PART5,)),
    Pathway("uk_generic", "UK", "Legal basis", "Generic application (HMR 2012 reg. 51)",
            "Relies on a UK reference medicinal product after its data exclusivity; "
            "bioequivalence shown.", (HMR_REG51,)),
    Pathway("uk_hybrid", "UK", "Legal basis", "Hybrid application (HMR 2012 reg. 52)",
            "Relies partly on a reference product and partly on new studies where the product "
            "does not qualify as generic.", (HMR_REG52,)),
    Pathway("uk_biosimilar", "UK", "Legal basis", "Similar biological application (HMR 2012 reg. 53A)",
            "Comparability data against a reference biological product.", (HMR_REG53A,)),
    Pathway("uk_well_established", "UK", "Legal basis", "Well-established use (HMR 2012 Part 5)",
            "Bibliographic application on at least ten years' well-established medicinal use.",
            (HMR_PART5,)),
)  # fmt: skip
PATHWAYS: dict[str, Pathway] = {p.key: p for p in _PATHWAYS}

# --- Questions -----------------------------------------------------------------------------

YES_NO = (("yes", "Yes"), ("no", "No"))
INNOVATIVE = _set("small_molecule", "biologic")
NEEDS_DATA_ANSWER = _set("small_molecule", "biologic", "variant")

QUESTIONS: tuple[Question, ...] = (
    Question("region", "Region", (("US", "United States (FDA)"), ("EU", "European Union (EMA / member states)"),
                                  ("UK", "United Kingdom (MHRA)"))),
    Question("product_type", "Product type", (
        ("small_molecule", "New medicine: small molecule (chemically synthesised)"),
        ("biologic", "New medicine: biologic (protein, antibody, vaccine, cell or gene therapy)"),
        ("biosimilar", "Biosimilar of an authorised biologic"),
        ("generic", "Generic of an authorised small-molecule medicine"),
        ("variant", "New combination or new formulation of an approved drug"),
        ("otc_monograph", "Non-prescription product of a kind covered by an OTC monograph"),
    )),
    Question("novelty", "Is the active substance new?", (
        ("new", "New: never authorised in this region"),
        ("known", "Known: already authorised in this region"),
    ), applies={"product_type": INNOVATIVE}),
    Question("variant_kind", "What is new about it?", (
        ("combination", "A new combination of active substances"),
        ("formulation", "A new formulation, strength, route or indication of one active substance"),
    ), applies={"product_type": _set("variant")}),
    Question("reference_product", "Reference product", (),
             applies={"product_type": _set("generic", "biosimilar", "variant")},
             help="The authorised medicine you compare with or rely on (brand name).",
             required=False, required_when={"product_type": _set("generic", "biosimilar")}),
    Question("same_as_reference", "Same active substance, strength, dosage form and route as the "
             "reference product, shown bioequivalent?", YES_NO,
             applies={"product_type": _set("generic")}),
    Question("data_rights", "Do you own, or have a right of reference to, the safety and "
             "efficacy data?", (
                 ("own", "We own the data (our own studies)"),
                 ("reference", "We have a right of reference / the holder's consent"),
                 ("none", "Neither: we rely on published literature or the agency's findings "
                          "for an approved product"),
             ), applies={"product_type": NEEDS_DATA_ANSWER}),
    Question("well_established_use", "In well-established medicinal use for at least ten "
             "years, with recognised efficacy and acceptable safety?", YES_NO,
             applies={"region": _set("EU", "UK"), "data_rights": _set("none"),
                      "product_type": _set("small_molecule", "variant")}),
    Question("eu_indication", "Main indication (EU mandatory centralised scope)", (
        ("cancer", "Cancer"), ("diabetes", "Diabetes"), ("hiv", "HIV/AIDS"),
        ("neurodegenerative", "Neurodegenerative disorder"),
        ("autoimmune", "Auto-immune disease or other immune dysfunction"),
        ("viral", "Viral disease"), ("other", "Another indication"),
    ), applies={"region": _set("EU"), "product_type": INNOVATIVE, "novelty": _set("new")}),
    Question("orphan", "Designated orphan medicinal product in the EU?", YES_NO,
             applies={"region": _set("EU"), "product_type": NEEDS_DATA_ANSWER}),
    Question("advanced_therapy", "Advanced therapy (gene therapy, somatic-cell therapy or "
             "tissue-engineered product)?", YES_NO,
             applies={"region": _set("EU"), "product_type": _set("biologic")}),
    Question("eu_markets", "Which EU/EEA markets?", (
        ("one", "One member state"), ("several", "Several member states"),
        ("all", "The whole EU/EEA"),
    ), applies={"region": _set("EU")}),
    Question("eu_authorised", "Already authorised in an EU/EEA member state?", YES_NO,
             applies={"region": _set("EU"), "eu_markets": _set("several", "all")}),
    Question("reference_regulator", "Already approved by an IRP reference regulator (FDA, EMA / "
             "European Commission, Health Canada, Swissmedic, TGA, PMDA or HSA)?", YES_NO,
             applies={"region": _set("UK")}),
    Question("otc_conforms", "Does it conform to an OTC monograph in every respect (active "
             "ingredient, dose, dosage form, indication, labelling)?", YES_NO,
             applies={"region": _set("US"), "product_type": _set("otc_monograph")}),
)  # fmt: skip
QUESTION_BY_KEY = {q.key: q for q in QUESTIONS}

# --- Rules ---------------------------------------------------------------------------------

US, EU, UK = _set("US"), _set("EU"), _set("UK")
OWN_OR_REF = _set("own", "reference")
YES, NO = _set("yes"), _set("no")
MANDATORY_AREAS = _set("cancer", "diabetes", "hiv", "neurodegenerative", "autoimmune", "viral")

RULES: tuple[Rule, ...] = (
    # United States
    Rule("us_505b1", {"region": US, "product_type": _set("small_molecule"), "data_rights": OWN_OR_REF},
         "All the safety and effectiveness data are the applicant's or referenced with permission."),
    Rule("us_505b1", {"region": US, "product_type": _set("variant"), "data_rights": OWN_OR_REF},
         "The applicant can support the change with its own or referenced data; the holder of the "
         "approved NDA may instead file a supplement to it (21 CFR 314.70)."),
    Rule("us_505b2", {"region": US, "product_type": _set("small_molecule", "variant"), "data_rights": _set("none")},
         "Part of the support comes from literature or FDA's finding for a listed drug, without a "
         "right of reference."),
    Rule("us_anda", {"region": US, "product_type": _set("generic"), "same_as_reference": YES},
         "A duplicate of the reference listed drug needs bioequivalence, not new clinical studies."),
    Rule("us_505b2", {"region": US, "product_type": _set("generic"), "same_as_reference": NO},
         "Differences from the reference listed drug that need studies beyond bioequivalence take "
         "the product outside section 505(j)."),
    Rule("us_suitability", {"region": US, "product_type": _set("generic"), "same_as_reference": NO},
         "A permitted difference (dosage form, strength, route, one ingredient of a combination) "
         "can stay on the ANDA route if a suitability petition is granted."),
    Rule("us_bla_351a", {"region": US, "product_type": _set("biologic")},
         "A new biological product is licensed under section 351(a); there is no 505(b)(2)-style "
         "route relying on another's biologic data."),
    Rule("us_bla_351k", {"region": US, "product_type": _set("biosimilar")},
         "A biosimilar relies on an FDA-licensed reference product (after its 12-year exclusivity)."),
    Rule("us_otc_monograph", {"region": US, "product_type": _set("otc_monograph"), "otc_conforms": YES},
         "A product conforming to a monograph order needs no pre-market approval."),
    Rule("us_omor", {"region": US, "product_type": _set("otc_monograph"), "otc_conforms": NO},
         "A deviation from the monograph needs the monograph changed by an order request..."),
    Rule("us_505b2", {"region": US, "product_type": _set("otc_monograph"), "otc_conforms": NO},
         "...or an NDA for the deviating product (21 CFR 330.11), usually relying in part on the "
         "monograph ingredient's published data."),
    # European Union: the procedure
    Rule("eu_centralised_mandatory", {"region": EU, "product_type": _set("biologic", "biosimilar")},
         "Medicinal products developed by recombinant DNA technology, controlled gene expression or "
         "hybridoma/monoclonal antibody methods fall in Annex I point 1 (a biologic made by other "
         "processes may not: confirm with EMA)."),
    Rule("eu_centralised_mandatory", {"region": EU, "advanced_therapy": YES, "product_type": _set("biologic")},
         "Advanced therapy medicinal products fall in Annex I point 1a."),
    Rule("eu_centralised_mandatory", {"region": EU, "orphan": YES},
         "Designated orphan medicinal products fall in Annex I point 4."),
    Rule("eu_centralised_mandatory", {"region": EU, "novelty": _set("new"), "eu_indication": MANDATORY_AREAS,
                                      "product_type": INNOVATIVE},
         "A new active substance for cancer, diabetes, HIV/AIDS, neurodegenerative, auto-immune or "
         "viral disease falls in Annex I point 3."),
    Rule("eu_centralised_optional", {"region": EU, "novelty": _set("new"), "product_type": _set("small_molecule")},
         "A new active substance outside the mandatory scope may choose the centralised procedure "
         "(Art. 3(2)(a)).", unless="eu_centralised_mandatory"),
    Rule("eu_centralised_optional", {"region": EU, "product_type": _set("variant"), "eu_markets": _set("all")},
         "A significant innovation or a product in the interest of patients at EU level may be "
         "accepted for the centralised procedure (Art. 3(2)(b)): EMA decides eligibility.",
         unless="eu_centralised_mandatory"),
    Rule("eu_national", {"region": EU, "eu_markets": _set("one")},
         "A single member state can authorise the product nationally.", unless="eu_centralised_mandatory"),
    Rule("eu_dcp", {"region": EU, "eu_markets": _set("several", "all"), "eu_authorised": NO},
         "Several member states, none yet authorising it: the decentralised procedure.",
         unless="eu_centralised_mandatory"),
    Rule("eu_mrp", {"region": EU, "eu_markets": _set("several", "all"), "eu_authorised": YES},
         "An existing national authorisation can be recognised by the other member states.",
         unless="eu_centralised_mandatory"),
    # European Union: the legal basis
    Rule("eu_full", {"region": EU, "product_type": INNOVATIVE, "data_rights": _set("own")},
         "The applicant's own complete dossier supports the application."),
    Rule("eu_informed_consent", {"region": EU, "product_type": NEEDS_DATA_ANSWER, "data_rights": _set("reference")},
         "The data owner's consent lets the application cross-refer to its dossier."),
    Rule("eu_fixed_combination", {"region": EU, "product_type": _set("variant"), "variant_kind": _set("combination"),
                                  "data_rights": _set("own")},
         "A new combination of known substances is supported by new data on the combination."),
    Rule("eu_full", {"region": EU, "product_type": _set("variant"), "variant_kind": _set("formulation"),
                     "data_rights": _set("own")},
         "New data of the applicant's own; a holder extending its own authorisation may instead "
         "apply for a line extension (Regulation (EC) No 1234/2008, Annex I)."),
    Rule("eu_generic", {"region": EU, "product_type": _set("generic"), "same_as_reference": YES},
         "Same qualitative and quantitative composition and pharmaceutical form, bioequivalent."),
    Rule("eu_hybrid", {"region": EU, "product_type": _set("generic"), "same_as_reference": NO},
         "Differences from the reference product need bridging data beyond bioequivalence."),
    Rule("eu_hybrid", {"region": EU, "product_type": _set("small_molecule", "variant"), "data_rights": _set("none"),
                       "well_established_use": NO},
         "Without own data, consent or well-established use, the application must lean on a "
         "reference medicinal product plus new studies (or become a full application)."),
    Rule("eu_well_established", {"region": EU, "product_type": _set("small_molecule", "variant"),
                                 "data_rights": _set("none"), "well_established_use": YES},
         "Ten years' well-established use lets published literature replace the applicant's own "
         "non-clinical and clinical studies."),
    Rule("eu_biosimilar", {"region": EU, "product_type": _set("biosimilar")},
         "A biosimilar cannot be a generic: comparability data against the reference are needed."),
    Rule("eu_well_established", {"region": EU, "product_type": _set("otc_monograph")},
         "The EU has no OTC monograph system: a non-prescription product needs a marketing "
         "authorisation, often bibliographic (well-established use) or generic, and its supply "
         "classification is set in it (Arts. 70-75)."),
    # United Kingdom: the route
    Rule("uk_irp", {"region": UK, "reference_regulator": YES},
         "An approval by a reference regulator lets the MHRA rely on that assessment."),
    Rule("uk_national", {"region": UK, "reference_regulator": NO},
         "Without a reference-regulator approval the MHRA assesses the full application itself."),
    # United Kingdom: the legal basis
    Rule("uk_full", {"region": UK, "product_type": _set("small_molecule", "biologic", "variant"), "data_rights": _set("own")},
         "The applicant's own complete dossier supports the application."),
    Rule("uk_informed_consent", {"region": UK, "product_type": NEEDS_DATA_ANSWER, "data_rights": _set("reference")},
         "The data owner's consent lets the application cross-refer to its dossier."),
    Rule("uk_generic", {"region": UK, "product_type": _set("generic"), "same_as_reference": YES},
         "Same composition and pharmaceutical form as the reference, bioequivalent."),
    Rule("uk_hybrid", {"region": UK, "product_type": _set("generic"), "same_as_reference": NO},
         "Differences from the reference product need bridging data."),
    Rule("uk_hybrid", {"region": UK, "product_type": _set("small_molecule", "variant"), "data_rights": _set("none"),
                       "well_established_use": NO},
         "Without own data, consent or well-established use, the application leans on a reference "
         "product plus new studies."),
    Rule("uk_well_established", {"region": UK, "product_type": _set("small_molecule", "variant"),
                                 "data_rights": _set("none"), "well_established_use": YES},
         "Ten years' well-established use lets published literature replace own studies."),
    Rule("uk_well_established", {"region": UK, "product_type": _set("otc_monograph")},
         "The UK has no OTC monograph system: a GSL or P product needs a marketing authorisation "
         "(often bibliographic or generic) with its classification (HMR 2012 reg. 5)."),
    Rule("uk_biosimilar", {"region": UK, "product_type": _set("biosimilar")},
         "Comparability data against a reference biological product are needed."),
)  # fmt: skip

# Notes worth reading beside the pathways: (conditions, text, citation).
NOTES: tuple[tuple[Mapping[str, frozenset[str]], str, Citation], ...] = (
    ({"region": US, "product_type": _set("small_molecule"), "novelty": _set("new")},
     "A new chemical entity earns five years' exclusivity on approval (FD&C Act 505(c)(3)(E)(ii), "
     "505(j)(5)(F)(ii)).", FDCA_505),
    ({"region": US, "product_type": _set("biologic"), "data_rights": _set("none")},
     "A 351(a) BLA needs the applicant's own data or a right of reference: relying on literature "
     "alone is not an option for a new biologic.", PHSA_351),
    ({"region": US, "product_type": _set("biologic"), "novelty": _set("new")},
     "A new reference biologic gets 12 years' exclusivity against 351(k) approvals.", PHSA_351),
    ({"region": EU, "orphan": YES}, "Orphan designation brings ten years' market exclusivity.", REG_141),
    ({"region": EU, "advanced_therapy": YES},
     "ATMPs are assessed by EMA's Committee for Advanced Therapies.", REG_1394),
    ({"region": EU, "product_type": _set("otc_monograph")},
     "Supply classification (prescription or not) is decided per product.", DIR_ART71),
    ({"region": UK, "product_type": _set("otc_monograph")},
     "Classification as POM, P or GSL is decided with the authorisation.", HMR_REG5),
)  # fmt: skip

# --- Evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    pathway: Pathway
    reasons: tuple[str, ...]  # the answers that led here, then why they lead here


@dataclass(frozen=True)
class Assessment:
    findings: tuple[Finding, ...]
    notes: tuple[tuple[str, Citation], ...]
    disclaimer: str = DISCLAIMER

    @property
    def pathway_keys(self) -> set[str]:
        return {f.pathway.key for f in self.findings}


def _matches(conditions: Mapping[str, frozenset[str]], answers: Mapping[str, str]) -> bool:
    return all(answers.get(key, "") in allowed for key, allowed in conditions.items())


def relevant(question: Question, answers: Mapping[str, str]) -> bool:
    """Whether `question` applies given the answers so far (an unanswered prerequisite means
    not yet)."""
    return _matches(question.applies, answers)


def relevant_questions(answers: Mapping[str, str]) -> list[Question]:
    """The questions that apply, in order; an answer to a question that does not apply counts
    as no answer for the questions after it."""
    effective: dict[str, str] = {}
    shown = []
    for question in QUESTIONS:
        if relevant(question, effective):
            shown.append(question)
            effective[question.key] = answers.get(question.key, "")
    return shown


def missing_answers(answers: Mapping[str, str]) -> list[Question]:
    """Relevant, required questions still without a valid answer."""
    missing = []
    for question in relevant_questions(answers):
        value = answers.get(question.key, "").strip()
        valid = {c for c, _ in question.choices}
        required = question.required or (
            bool(question.required_when) and _matches(question.required_when, answers)
        )
        if required and (not value or (valid and value not in valid)):
            missing.append(question)
    return missing


def answer_label(key: str, value: str) -> str:
    question = QUESTION_BY_KEY[key]
    return dict(question.choices).get(value, value)


def _reason(key: str, value: str) -> str:
    question = QUESTION_BY_KEY[key]
    return f"{question.label} — you answered: {answer_label(key, value)}."


def assess(answers: Mapping[str, str]) -> Assessment:
    """The likely pathway(s) for `answers`, in rule order, each with reasons: the answers its
    rule tested, then why those answers point there. Answers to questions that do not apply are
    ignored. A pathway reached by several rules gathers all their reasons."""
    answers = {q.key: answers.get(q.key, "") for q in relevant_questions(answers)}
    reasons: dict[str, list[str]] = {}
    for rule in RULES:
        if rule.unless and rule.unless in reasons:
            continue
        if not _matches(rule.when, answers):
            continue
        gathered = reasons.setdefault(rule.pathway, [])
        for key in rule.when:
            reason = _reason(key, answers[key])
            if reason not in gathered:
                gathered.append(reason)
        gathered.append(rule.why)
    if answers.get("reference_product"):
        note = f"Reference product named: {answers['reference_product']}."
        for key, gathered in reasons.items():
            if PATHWAYS[key].kind in {"Legal basis", "Application"}:
                gathered.insert(0, note)
    findings = tuple(Finding(PATHWAYS[key], tuple(r)) for key, r in reasons.items())
    notes = tuple((text, cite) for when, text, cite in NOTES if _matches(when, answers))
    return Assessment(findings=findings, notes=notes)
