from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from patients.reminders import reminder_schedule_ensure

        # The every-minute reminder task exists in every migrated database (make run, deploys,
        # and test databases after a flush); see reminder_schedule_ensure.
        post_migrate.connect(
            reminder_schedule_ensure, sender=self, dispatch_uid="patients.reminder_schedule"
        )

        from patients.models import PHI_FIELDS

        for model, fields in PHI_FIELDS.items():
            auditlog.register(model, mask_fields=list(fields))
