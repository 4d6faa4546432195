from django.apps import AppConfig


class PharmaConfig(AppConfig):
    name = "pharma"
    verbose_name = "Pharma"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from pharma.models import (
            Assignment,
            Invitation,
            Membership,
            Organisation,
            QADocument,
            Revision,
            Signature,
        )

        auditlog.register(Organisation)
        auditlog.register(QADocument)
        auditlog.register(Revision)
        auditlog.register(Signature)
        auditlog.register(Assignment)
        auditlog.register(Membership)
        auditlog.register(Invitation, exclude_fields=["token"])
