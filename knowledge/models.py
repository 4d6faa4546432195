"""Sources, documents and their embedded chunks, and the drug database.

Documents come from scrapers (`knowledge/sources/`) and from the starter corpus; chunks carry
a 384-dimension embedding (HNSW cosine index) and a weighted full-text vector (GIN index), so
retrieval can fuse both.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Func, Q, Value
from django.db.models.functions import Lower
from encrypted_model_fields.fields import EncryptedTextField
from pgvector.django import HnswIndex, VectorField

from lumen.lib.fields import EncryptedJSONField

EMBEDDING_DIMENSIONS = 384  # all-MiniLM-L6-v2


class Region(models.TextChoices):
    US = "US", "United States"
    EU = "EU", "European Union"
    UK = "UK", "United Kingdom"
    INTL = "INTL", "International"


class DocType(models.TextChoices):
    DRUG_LABEL = "drug_label", "Drug label"
    DRUG_MONOGRAPH = "drug_monograph", "Drug monograph"
    ADVERSE_EVENTS = "adverse_events", "Adverse event reports"
    GUIDANCE = "guidance", "Regulatory guidance"
    ARTICLE = "article", "Research article"
    TRIAL = "trial", "Clinical trial"
    HEALTH_TOPIC = "health_topic", "Health topic"


class Source(models.Model):
    """Where documents come from: a public API, an operator's file, or Lumen's starter corpus."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    description = models.TextField(blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class DocumentQuerySet(models.QuerySet):
    def for_region(self, region: str) -> DocumentQuerySet:
        return self.filter(region=region)

    def needing_embeddings(self) -> DocumentQuerySet:
        return self.filter(indexed_at__isnull=True)


class Document(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="documents")
    external_id = models.CharField(max_length=255)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    region = models.CharField(max_length=4, choices=Region.choices, default=Region.US)
    doc_type = models.CharField(max_length=20, choices=DocType.choices)
    # Issuing body for regulatory filters: FDA, EMA, MHRA, ICH, WHO, PIC/S, USP, NLM, ...
    authority = models.CharField(max_length=20, blank=True)
    published = models.DateField(null=True, blank=True)
    text = models.TextField()
    metadata = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    indexed_at = models.DateTimeField(null=True, blank=True)  # null: chunks need embedding

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="document_unique_per_source"
            )
        ]
        indexes = [models.Index(fields=["doc_type", "region"])]

    def __str__(self) -> str:
        return self.title


class Chunk(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField()
    section = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    # The document's identity (title, subject, other names, section: `subjects.chunk_header`),
    # so a passage that never names its subject is still found by it. Embedded with the text.
    header = models.TextField(blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)
    # Kept by PostgreSQL itself: the header (title, names, section) weighs more than the body.
    search_vector = models.GeneratedField(
        expression=SearchVector("header", weight="A", config="english")
        + SearchVector("text", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["document", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["document", "ordinal"], name="chunk_unique_ordinal")
        ]
        indexes = [
            HnswIndex(
                name="chunk_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            GinIndex(fields=["search_vector"], name="chunk_search_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.document} #{self.ordinal}"


# --- Drug database ----------------------------------------------------------------------


class Availability(models.TextChoices):
    OTC = "otc", "Over the counter"
    PHARMACY = "pharmacy", "Pharmacy only (no prescription)"
    RX = "rx", "Prescription only"
    CONTROLLED = "controlled", "Controlled substance (prescription)"
    NOT_APPROVED = "not_approved", "Not approved"


def _regexp_replace(text, pattern: str, replacement: str) -> Func:
    return Func(text, Value(pattern), Value(replacement), Value("g"), function="regexp_replace")


# Django's slugify of the generic name, in SQL: drop what is not a word character, space or
# hyphen; runs of spaces and hyphens become one hyphen; no hyphen or underscore at either end
# ("St. John's wort" -> "st-johns-wort"). The same as slugify for ASCII names (generic names
# are); slugify would also turn an accented letter into its plain one.
DRUG_SLUG = Func(
    _regexp_replace(_regexp_replace(Lower("name"), r"[^\w\s-]", ""), r"[-\s]+", "-"),
    Value("-_"),
    function="btrim",
)


class Drug(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)  # generic name, lower case
    # The drug page's readable URL key (/drugs/st-johns-wort/), kept by the database from the
    # name, indexed: finding a drug by it was a read of every drug's name (issue 20).
    slug = models.GeneratedField(
        expression=DRUG_SLUG,
        output_field=models.CharField(max_length=200),
        db_persist=True,
    )
    synonyms = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    brand_names = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    rxcui = models.CharField("RxCUI", max_length=20, blank=True, db_index=True)
    drugbank_id = models.CharField(max_length=20, blank=True)
    active_ingredients = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    drug_class = models.CharField(max_length=200, blank=True)
    # Every class the drug belongs to, for class-level interaction rules ("nsaid", "ssri").
    classes = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    # Region -> Availability value, e.g. {"US": "otc", "UK": "pharmacy", "EU": "rx"}.
    availability = models.JSONField(default=dict, blank=True)
    uses = models.TextField(blank=True)
    common_side_effects = models.TextField(blank=True)
    pregnancy_warning = models.TextField(blank=True)
    label_warnings = models.TextField(blank=True)
    storage = models.TextField(blank=True)
    # Most reported reactions from openFDA adverse events: [[term, count], ...].
    reported_reactions = models.JSONField(default=list, blank=True)
    references = models.JSONField(default=list, blank=True)  # [{"title", "url"}]
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["slug"], name="drug_slug"),
            GinIndex(fields=["synonyms"], name="drug_synonyms_gin"),
            GinIndex(fields=["brand_names"], name="drug_brands_gin"),
            GinIndex(fields=["classes"], name="drug_classes_gin"),
        ]

    def __str__(self) -> str:
        return self.name


class Severity(models.TextChoices):
    MAJOR = "major", "Major"
    MODERATE = "moderate", "Moderate"
    MINOR = "minor", "Minor"


class DrugInteraction(models.Model):
    """A pair rule (drug with drug), or a class-level rule where either side is a class name
    matched against `Drug.classes` (e.g. "ssri" with "maoi")."""

    drug_a = models.ForeignKey(
        Drug, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    class_a = models.CharField(max_length=100, blank=True)
    drug_b = models.ForeignKey(
        Drug, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    class_b = models.CharField(max_length=100, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    mechanism = models.TextField()
    management = models.TextField()
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["severity", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(drug_a__isnull=False) ^ ~Q(class_a=""))
                & (Q(drug_b__isnull=False) ^ ~Q(class_b="")),
                name="interaction_sides_are_drug_or_class",
            ),
            models.UniqueConstraint(
                fields=["drug_a", "class_a", "drug_b", "class_b"],
                nulls_distinct=False,
                name="interaction_unique_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side_a} + {self.side_b} ({self.severity})"

    @property
    def side_a(self) -> str:
        return self.drug_a.name if self.drug_a_id else f"[{self.class_a}]"

    @property
    def side_b(self) -> str:
        return self.drug_b.name if self.drug_b_id else f"[{self.class_b}]"


class RegulatoryStatus(models.Model):
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="regulatory_statuses")
    region = models.CharField(max_length=4, choices=Region.choices)
    authority = models.CharField(max_length=20)  # FDA, EMA, MHRA, ...
    status = models.CharField(max_length=100)  # e.g. "Approved (NDA)", "OTC monograph"
    reference = models.CharField(max_length=300, blank=True)
    reference_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["drug", "region"]
        verbose_name_plural = "regulatory statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["drug", "region", "authority"], name="regulatory_status_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.drug} · {self.authority}: {self.status}"


# --- Questions staff must review ----------------------------------------------------------


class FlaggedQuestion(models.Model):
    """A high-risk question (emergency, crisis, obtaining controlled substances …) queued for
    staff review. The question itself is PHI: encrypted, and masked in the audit trail."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=10)  # patient / pharma
    channel = models.CharField(max_length=10, default="web")  # web / cli
    question = EncryptedTextField()
    # Beside the asker's account, the flags (crisis, self_harm, ...) and the rules' reasons
    # are health facts about that person: encrypted. The queue is small and staff read it
    # row by row, so nothing needs to filter on them in SQL.
    flags = EncryptedJSONField(default=list)
    reasons = EncryptedJSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = EncryptedTextField(blank=True)  # staff write about the asker's question
    # Lumen's answer, for a patient's question (pharma and CLI answers are not stored). Only this
    # one message is reachable from here, never its conversation's other messages.
    reply = models.ForeignKey(
        "patients.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["reviewed_at", "-created_at"]  # unreviewed first, newest first
        permissions = [
            ("review_flaggedquestion", "Can read a flagged question, giving a recorded reason")
        ]

    def __str__(self) -> str:
        return f"{', '.join(self.flags)} · {self.created_at:%Y-%m-%d %H:%M}"


class UnknownDrugName(models.Model):
    """A medicine name Lumen did not recognise, counted: a content gap for staff to fill.
    Aggregate only: no user, conversation or profile is ever linked to a name."""

    name = models.CharField(max_length=200, unique=True)  # normalised: lower case, one space
    count = models.PositiveIntegerField(default=0)
    # Days, not times: a name typed once must not be matched to a person through the time of
    # a request in other logs.
    first_seen = models.DateField(auto_now_add=True)
    last_seen = models.DateField()

    class Meta:
        ordering = ["-count", "name"]

    def __str__(self) -> str:
        return self.name
