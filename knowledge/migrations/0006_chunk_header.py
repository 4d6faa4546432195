"""Chunks carry their document's identity (`Chunk.header`), weighted A in the full-text
vector. PostgreSQL cannot change a generated column's expression, so the vector is dropped
and added again. Existing chunks get a provisional header (title and section) here;
`manage.py reindex` writes the full one (subject, other names) and re-embeds what changed."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

PROVISIONAL_HEADER = """
UPDATE knowledge_chunk c
SET header = d.title || CASE WHEN c.section <> '' THEN '. Section: ' || c.section ELSE '' END
FROM knowledge_document d
WHERE d.id = c.document_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0005_flagged_question_review"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="chunk", name="chunk_search_gin"),
        migrations.RemoveField(model_name="chunk", name="search_vector"),
        migrations.AddField(
            model_name="chunk",
            name="header",
            field=models.TextField(blank=True),
        ),
        migrations.RunSQL(PROVISIONAL_HEADER, reverse_sql=migrations.RunSQL.noop),
        migrations.AddField(
            model_name="chunk",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "header", config="english", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "text", config="english", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="chunk",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="chunk_search_gin"
            ),
        ),
    ]
