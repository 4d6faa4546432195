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
        self._register_records(auditlog)

    @staticmethod
    def _register_records(auditlog) -> None:
        """Execution and logbook records; file and PDF bytes stay out of the trail."""
        from pharma.models import (
            Deviation,
            Evidence,
            Execution,
            ExecutionSignature,
            LogbookEntry,
            LogbookVerification,
            StepResult,
        )

        auditlog.register(Execution, exclude_fields=["pdf"])
        auditlog.register(StepResult)
        auditlog.register(Evidence, exclude_fields=["data"])
        auditlog.register(Deviation)
        auditlog.register(ExecutionSignature)
        auditlog.register(LogbookEntry)
        auditlog.register(LogbookVerification)
