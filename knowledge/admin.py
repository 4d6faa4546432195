from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from knowledge.ingestion import progress_text
from knowledge.models import (
    Chunk,
    Document,
    Drug,
    DrugInteraction,
    FlaggedQuestion,
    RegulatoryStatus,
    Source,
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "document_count", "last_run_at", "background_ingestion"]
    search_fields = ["slug", "name"]
    readonly_fields = ["last_run_at", "background_ingestion", "last_summary"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_documents=Count("documents"))

    @admin.display(ordering="n_documents", description="documents")
    def document_count(self, obj):
        return obj.n_documents

    @admin.display(description="background ingestion")
    def background_ingestion(self, obj):
        return progress_text(obj.last_summary) or "-"


class ChunkInline(admin.TabularInline):
    model = Chunk
    fields = ["ordinal", "section", "text", "embedded"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True)
    def embedded(self, obj):
        return obj.embedding is not None


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "doc_type", "region", "authority", "published", "indexed_at"]
    list_filter = ["doc_type", "region", "authority", "source"]
    search_fields = ["title", "external_id"]
    readonly_fields = ["uid", "content_hash", "created_at", "updated_at", "indexed_at"]
    date_hierarchy = "published"
    inlines = [ChunkInline]
    list_select_related = ["source"]


class RegulatoryStatusInline(admin.TabularInline):
    model = RegulatoryStatus
    extra = 0


@admin.register(Drug)
class DrugAdmin(admin.ModelAdmin):
    list_display = ["name", "drug_class", "rxcui", "availability"]
    list_filter = ["drug_class"]
    search_fields = ["name", "synonyms", "brand_names", "rxcui", "drugbank_id", "classes"]
    readonly_fields = ["uid", "updated_at"]
    inlines = [RegulatoryStatusInline]


@admin.register(DrugInteraction)
class DrugInteractionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "severity", "source"]
    list_filter = ["severity", "class_a", "class_b"]
    search_fields = ["drug_a__name", "drug_b__name", "class_a", "class_b", "mechanism"]
    autocomplete_fields = ["drug_a", "drug_b"]
    list_select_related = ["drug_a", "drug_b"]


@admin.register(RegulatoryStatus)
class RegulatoryStatusAdmin(admin.ModelAdmin):
    list_display = ["drug", "region", "authority", "status"]
    list_filter = ["region", "authority"]
    search_fields = ["drug__name", "status", "reference"]
    autocomplete_fields = ["drug"]


@admin.register(FlaggedQuestion)
class FlaggedQuestionAdmin(admin.ModelAdmin):
    """The review queue: staff read a high-risk question and mark it reviewed with a note."""

    list_display = ["created_at", "flag_list", "audience", "channel", "reviewed_at"]
    list_filter = [("reviewed_at", admin.EmptyFieldListFilter), "audience", "channel"]
    fields = ["question", "flags", "reasons", "audience", "channel", "user", "created_at",
              "review_note", "reviewed_at", "reviewed_by"]  # fmt: skip
    readonly_fields = ["question", "flags", "reasons", "audience", "channel", "user",
                       "created_at", "reviewed_at", "reviewed_by"]  # fmt: skip
    actions = ["mark_reviewed"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="flags")
    def flag_list(self, obj):
        return ", ".join(obj.flags)

    def save_model(self, request, obj, form, change):
        if obj.review_note and obj.reviewed_at is None:
            obj.reviewed_at, obj.reviewed_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark selected questions reviewed")
    def mark_reviewed(self, request, queryset):
        updated = queryset.filter(reviewed_at__isnull=True).update(
            reviewed_at=timezone.now(), reviewed_by=request.user
        )
        self.message_user(request, f"{updated} question(s) marked reviewed.")
