from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from knowledge.ingestion import corpus_health
        from lumen.health import register_check

        register_check("corpus", corpus_health, critical=False)

        from knowledge.models import Drug, DrugInteraction, FlaggedQuestion, RegulatoryStatus

        # The drug database is regulated content: who changed a warning or a severity matters.
        for model in (Drug, DrugInteraction, RegulatoryStatus):
            auditlog.register(model)
        auditlog.register(
            FlaggedQuestion, mask_fields=["question", "flags", "reasons", "review_note"]
        )
