from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from patients.models import PHI_FIELDS

        for model, fields in PHI_FIELDS.items():
            auditlog.register(model, mask_fields=list(fields))
