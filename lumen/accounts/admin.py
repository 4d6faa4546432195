"""Accounts in the admin, least privilege first (docs/security.md, "Staff threat model").

- Staff and pharma accounts: non-superusers never see is_superuser, permissions or the password
  form; only a security admin changes who is staff and which staff roles they hold.
- Patient accounts: no form at all, only a list and two audited support actions.
- The audit trail: searchable by actor email and object.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from lumen.accounts import services
from lumen.accounts.models import PatientAccount, User
from lumen.accounts.roles import Role, StaffRole

MANAGE_STAFF_ROLES = "accounts.manage_staff_roles"
NO_PATIENT_FORMS = "Patient accounts have no admin pages; use the actions on the list."


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "name"]
    readonly_fields = ["external_id", "date_joined", "last_login"]
    # Plain multiple selects: the two-box widget's help icons break ARIA (axe), and staff
    # roles are a handful of groups.
    filter_horizontal = ()
    # The full form, for superusers only (who are made with manage.py, not here).
    fieldsets = (
        (None, {"fields": ("email", "password", "external_id")}),
        (_("Personal info"), {"fields": ("name",)}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request):
        # Patients are handled only through PatientAccountAdmin (finding 3): no form, no password.
        return super().get_queryset(request).exclude(groups__name=Role.PATIENT)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        access = ["is_active"]
        if request.user.has_perm(MANAGE_STAFF_ROLES):
            access += ["is_staff", "groups"]
        return (
            (None, {"fields": ("email", "external_id")}),
            (_("Personal info"), {"fields": ("name",)}),
            (_("Access"), {"fields": access}),
            (_("Dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # A changed email plus "forgot password" would hand the account to whoever typed it.
            readonly.append("email")
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            if obj.is_superuser:
                return False
            if obj.is_staff and not request.user.has_perm(MANAGE_STAFF_ROLES):
                return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=list(StaffRole))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The form offers only staff-role groups; keep the product roles it did not show.
        kept = []
        if not request.user.is_superuser and "groups" in form.cleaned_data:
            kept = list(form.instance.groups.exclude(name__in=list(StaffRole)))
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*kept)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied(
                "Staff never set another account's password; its owner resets it."
            )
        return super().user_change_password(request, id, form_url)


@admin.register(PatientAccount)
class PatientAccountAdmin(admin.ModelAdmin):
    """Support for patient accounts: find one by email, resend verification, disable it.
    Each action is an audit entry naming the staff member; nothing here shows health data."""

    list_display = ["email", "is_active", "verified", "date_joined", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["email"]
    list_display_links = None
    actions = ["resend_verification", "disable_account"]

    def get_queryset(self, request):
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        return (
            super()
            .get_queryset(request)
            .filter(groups__name=Role.PATIENT)
            .annotate(has_verified_email=Exists(verified))
        )

    @admin.display(boolean=True, description="email verified", ordering="has_verified_email")
    def verified(self, account: PatientAccount) -> bool:
        return account.has_verified_email

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_support_permission(self, request) -> bool:
        return request.user.has_perm("accounts.support_patientaccount")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        raise PermissionDenied(NO_PATIENT_FORMS)

    def history_view(self, request, object_id, extra_context=None):
        raise PermissionDenied(NO_PATIENT_FORMS)

    @admin.action(description="Resend the verification email", permissions=["support"])
    def resend_verification(self, request, queryset):
        sent = sum(
            services.patient_verification_resend(request=request, user=account, actor=request.user)
            for account in queryset
        )
        self.message_user(request, f"Verification email sent to {sent} account(s).")

    @admin.action(description="Disable the account", permissions=["support"])
    def disable_account(self, request, queryset):
        disabled = sum(
            services.patient_account_disable(user=account, actor=request.user)
            for account in queryset
        )
        self.message_user(request, f"{disabled} account(s) disabled.")


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(AuditlogLogEntryAdmin):
    # auditlog searches actor__first_name, which Lumen's user does not have (a 500 on any search).
    search_fields = ["object_repr", "actor__email", "actor__name"]
    # additional_data holds why: the support action, a reviewer's reason for reading a question.
    readonly_fields = [*AuditlogLogEntryAdmin.readonly_fields, "details"]
    fieldsets = [*AuditlogLogEntryAdmin.fieldsets, (_("Details"), {"fields": ["details"]})]

    @admin.display(description=_("details"))
    def details(self, entry: LogEntry):
        return (
            format_html_join("", "<div>{}: {}</div>", sorted((entry.additional_data or {}).items()))
            or "-"
        )
