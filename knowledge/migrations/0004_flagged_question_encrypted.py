"""Encrypt a flagged question's flags, reasons and review note, which sit beside the asker's
account. Encrypted twins are added, every row copied across, then the clear columns dropped
(the twins take their names), so nothing stored is lost. Reversible."""

import encrypted_model_fields.fields
from django.db import migrations

import lumen.lib.fields

# Clear column -> its encrypted twin, created under a temporary name.
FIELDS = {"flags": "flags_enc", "reasons": "reasons_enc", "review_note": "review_note_enc"}


def _copy(apps, pairs):
    FlaggedQuestion = apps.get_model("knowledge", "FlaggedQuestion")
    for row in FlaggedQuestion.objects.order_by("pk").iterator(chunk_size=500):
        for source, target in pairs:
            setattr(row, target, getattr(row, source))
        row.save(update_fields=[target for _, target in pairs])


def encrypt(apps, schema_editor):
    _copy(apps, list(FIELDS.items()))


def decrypt(apps, schema_editor):
    _copy(apps, [(target, source) for source, target in FIELDS.items()])


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_flagged_question")]

    operations = [
        migrations.AddField(
            model_name="flaggedquestion",
            name="flags_enc",
            field=lumen.lib.fields.EncryptedJSONField(default=list),
        ),
        migrations.AddField(
            model_name="flaggedquestion",
            name="reasons_enc",
            field=lumen.lib.fields.EncryptedJSONField(default=list),
        ),
        migrations.AddField(
            model_name="flaggedquestion",
            name="review_note_enc",
            field=encrypted_model_fields.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt, decrypt),
        *[migrations.RemoveField(model_name="flaggedquestion", name=source) for source in FIELDS],
        *[
            migrations.RenameField(model_name="flaggedquestion", old_name=target, new_name=source)
            for source, target in FIELDS.items()
        ],
    ]
