"""Encrypt the health facts that sat in clear columns: a medicine's drug match and an
answer's flags, escalation, abstention, notice and citations.

Each clear column gets an encrypted twin, every row is copied across, and only then is the
clear column dropped (the twin takes its name), so nothing stored is lost. Reversible: the
way back copies the decrypted values into clear columns again.
"""

import encrypted_model_fields.fields
from django.db import migrations

import lumen.lib.fields

# Message: clear column -> its encrypted twin, created under a temporary name.
MESSAGE_FIELDS = {
    "citations": "citations_enc",
    "flags": "flags_enc",
    "escalated": "escalated_enc",
    "abstained": "abstained_enc",
    "notice": "notice_enc",
}


def _copy(model, pairs, *, batch=500):
    rows = model.objects.order_by("pk")
    for row in rows.iterator(chunk_size=batch):
        for source, target in pairs:
            setattr(row, target, getattr(row, source))
        row.save(update_fields=[target for _, target in pairs])


def encrypt(apps, schema_editor):
    _copy(apps.get_model("patients", "Medication"), [("drug_id", "drug_ref")])
    _copy(apps.get_model("patients", "Message"), list(MESSAGE_FIELDS.items()))


def decrypt(apps, schema_editor):
    Drug = apps.get_model("knowledge", "Drug")
    Medication = apps.get_model("patients", "Medication")
    known = set(Drug.objects.values_list("pk", flat=True))
    for med in Medication.objects.order_by("pk").iterator(chunk_size=500):
        med.drug_id = med.drug_ref if med.drug_ref in known else None
        med.save(update_fields=["drug"])
    _copy(
        apps.get_model("patients", "Message"),
        [(target, source) for source, target in MESSAGE_FIELDS.items()],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_flagged_question"),
        ("patients", "0005_tracking_unscheduled_dose"),
    ]

    operations = [
        migrations.AddField(
            model_name="medication",
            name="drug_ref",
            field=lumen.lib.fields.EncryptedIntegerField(
                blank=True, null=True, verbose_name="matched drug"
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="citations_enc",
            field=lumen.lib.fields.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="message",
            name="flags_enc",
            field=lumen.lib.fields.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="message",
            name="escalated_enc",
            field=encrypted_model_fields.fields.EncryptedBooleanField(default=False),
        ),
        migrations.AddField(
            model_name="message",
            name="abstained_enc",
            field=encrypted_model_fields.fields.EncryptedBooleanField(default=False),
        ),
        migrations.AddField(
            model_name="message",
            name="notice_enc",
            field=encrypted_model_fields.fields.EncryptedCharField(blank=True),
        ),
        migrations.RunPython(encrypt, decrypt),
        # The way back recreates these clear columns (nullable, as the reversal fills them).
        migrations.RemoveField(model_name="medication", name="drug"),
        *[migrations.RemoveField(model_name="message", name=source) for source in MESSAGE_FIELDS],
        *[
            migrations.RenameField(model_name="message", old_name=target, new_name=source)
            for source, target in MESSAGE_FIELDS.items()
        ],
    ]
