from django.contrib import admin

from pharma import qa_settings_form, services
from pharma.models import Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """The QA settings are fields with units and help (pharma/qa_settings_form.py), stored
    as the organisation's qa_settings JSON."""

    form = qa_settings_form.OrganisationForm
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["external_id", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "external_id", "created_at"]}),
        *qa_settings_form.fieldsets(),
    ]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Staff invite pharma users here; saving a new invitation emails its link."""

    list_display = [
        "email",
        "organisation",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["organisation"]
    search_fields = ["email", "organisation__name"]
    fields = ["organisation", "email", "invited_by", "expires_at", "accepted_at"]
    readonly_fields = ["invited_by", "expires_at", "accepted_at"]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = services.invitation_create(
            organisation=obj.organisation,
            email=obj.email,
            invited_by=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        obj.pk = created.pk  # so the admin's "added" message links to the real row
