from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    """Enable pgvector: chunk embeddings and their HNSW index depend on it."""

    initial = True
    dependencies = []
    operations = [VectorExtension()]
