from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from knowledge import review
from knowledge.ingestion import progress_text
from knowledge.models import (
    Chunk,
    Document,
    Drug,
    DrugInteraction,
    FlaggedQuestion,
    RegulatoryStatus,
    Source,
    UnknownDrugName,
)
from knowledge.review_forms import ReviewNoteForm, ReviewReasonForm


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


class ValuesOrNoneFilter(admin.AllValuesFieldListFilter):
    """Each value of the field, with a blank one shown as "(none)": Django's own filter
    makes it a link with no text, which no screen reader can name."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "":
                choice = {**choice, "display": "(none)"}
            yield choice


@admin.register(Drug)
class DrugAdmin(admin.ModelAdmin):
    list_display = ["name", "drug_class", "rxcui", "availability"]
    list_filter = [("drug_class", ValuesOrNoneFilter)]
    search_fields = ["name", "synonyms", "brand_names", "rxcui", "drugbank_id", "classes"]
    readonly_fields = ["uid", "updated_at"]
    inlines = [RegulatoryStatusInline]


@admin.register(DrugInteraction)
class DrugInteractionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "severity", "source"]
    list_filter = ["severity", ("class_a", ValuesOrNoneFilter), ("class_b", ValuesOrNoneFilter)]
    search_fields = ["drug_a__name", "drug_b__name", "class_a", "class_b", "mechanism"]
    autocomplete_fields = ["drug_a", "drug_b"]
    list_select_related = ["drug_a", "drug_b"]


@admin.register(RegulatoryStatus)
class RegulatoryStatusAdmin(admin.ModelAdmin):
    list_display = ["drug", "region", "authority", "status"]
    list_filter = ["region", "authority"]
    search_fields = ["drug__name", "status", "reference"]
    autocomplete_fields = ["drug"]


_PRIVATE = {"question", "user", "reply"}  # a flagged question's fields that tell who or what


@admin.register(FlaggedQuestion)
class FlaggedQuestionAdmin(admin.ModelAdmin):
    """The review queue. The list and the form show flags, reasons and dates, never the
    question or who asked: a reviewer reads a question on its Review page, after giving a
    reason that becomes an audit entry (knowledge/review.py)."""

    list_display = ["created_at", "flag_list", "reason_list", "audience", "channel",
                    "reviewed_at", "review_link"]  # fmt: skip
    list_filter = [("reviewed_at", admin.EmptyFieldListFilter), "audience", "channel"]
    # No search: the question must not be searchable (a match would tell what a patient
    # asked), and flags and reasons are encrypted, so SQL cannot match them; the queue is
    # short and filtered by state, audience and channel instead.
    fields = ["flags", "reasons", "audience", "channel", "created_at", "reviewed_at",
              "reviewed_by", "review_note"]  # fmt: skip
    readonly_fields = fields
    actions = None  # marking a question reviewed without reading it is not a review

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the review note is written on the Review page only

    def lookup_allowed(self, lookup, value, request=None):
        # The admin allows any filter on a model's own fields in the URL: `?user=7` would pick
        # out one person's questions, `?question__…` probe the text.
        if lookup.split("__")[0] in _PRIVATE:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_list_display(self, request):
        if request.user.has_perm(review.REVIEW_PERMISSION):
            return self.list_display
        return [f for f in self.list_display if f != "review_link"]

    @admin.display(description="flags")
    def flag_list(self, obj):
        return ", ".join(obj.flags)

    @admin.display(description="reasons")
    def reason_list(self, obj):
        return ", ".join(obj.reasons)

    @admin.display(description="")
    def review_link(self, obj):
        url = reverse("admin:knowledge_flaggedquestion_review", args=[obj.pk])
        return format_html('<a href="{}">Review</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/review/", view(self.review_view),
                 name="knowledge_flaggedquestion_review"),
            path("<path:object_id>/review/mark/", view(self.mark_reviewed_view),
                 name="knowledge_flaggedquestion_mark_reviewed"),
            *super().get_urls(),
        ]  # fmt: skip

    def _reviewable(self, request, object_id) -> FlaggedQuestion:
        if not request.user.has_perm(review.REVIEW_PERMISSION):
            raise PermissionDenied("Reading a flagged question needs the reviewer permission.")
        flagged = self.get_object(request, unquote(object_id))
        if flagged is None:
            raise Http404("No such flagged question.")
        return flagged

    def review_view(self, request, object_id):
        """GET: the reason form. POST with a reason: the audited read, then the question."""
        flagged = self._reviewable(request, object_id)
        form = ReviewReasonForm(request.POST if request.method == "POST" else None)
        shown = None
        if form.is_bound and form.is_valid():
            shown = review.flagged_question_open(
                flagged=flagged,
                reviewer=request.user,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": flagged,
            "title": "Review a flagged question",
            "form": form,
            "shown": shown,
            "note_form": ReviewNoteForm(),
        }
        return TemplateResponse(request, "admin/knowledge/flaggedquestion/review.html", context)

    def mark_reviewed_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        flagged = self._reviewable(request, object_id)
        again = reverse("admin:knowledge_flaggedquestion_review", args=[flagged.pk])
        if not review.has_opened(flagged=flagged, reviewer=request.user):
            self.message_user(request, "Open the question, giving a reason, first.", "error")
            return redirect(again)
        form = ReviewNoteForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "A review note is required.", "error")
            return redirect(again)
        if review.flagged_question_mark_reviewed(
            flagged=flagged, reviewer=request.user, note=form.cleaned_data["note"]
        ):
            self.message_user(request, "Marked reviewed.")
        else:
            self.message_user(request, "Someone had already reviewed it; their note stands.",
                              "warning")  # fmt: skip
        return redirect("admin:knowledge_flaggedquestion_changelist")


@admin.register(UnknownDrugName)
class UnknownDrugNameAdmin(admin.ModelAdmin):
    """Content gaps, most often typed first: counted by the interaction checker and the
    profile, so read-only here."""

    list_display = ["name", "count", "first_seen", "last_seen"]
    search_fields = ["name"]
    ordering = ["-count", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
