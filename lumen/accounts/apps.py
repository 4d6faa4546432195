from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lumen.accounts"
    label = "accounts"
    verbose_name = "Users"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        import lumen.checks  # noqa: F401 - registers the deploy check
        from lumen.accounts.roles import sync_role_groups

        # Permissions only exist after every app's post_migrate; run after them all.
        post_migrate.connect(sync_role_groups, dispatch_uid="lumen.sync_role_groups")

        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator

        from lumen.accounts.models import User

        # Who holds an account, and which roles they have, is regulated data.
        auditlog.register(
            User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"groups"},
        )
        auditlog.register(EmailAddress)
        # Turning two-factor on or off is audited; the secret itself never is.
        auditlog.register(Authenticator, exclude_fields=["data"])
