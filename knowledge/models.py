"""Sources, documents, chunks and the drug database (issue 3 fills these in).

The pgvector extension is enabled by this app's first migration, so every later app can
declare vector columns.
"""
