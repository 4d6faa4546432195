from django.contrib import admin
from django.db.models import Count

from knowledge.models import Chunk, Document, Drug, DrugInteraction, RegulatoryStatus, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "document_count", "last_run_at"]
    search_fields = ["slug", "name"]
    readonly_fields = ["last_run_at", "last_summary"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_documents=Count("documents"))

    @admin.display(ordering="n_documents", description="documents")
    def document_count(self, obj):
        return obj.n_documents


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
