from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from patients.models import PHI_FIELDS, Profile

        auditlog.register(Profile, mask_fields=list(PHI_FIELDS[Profile]))
