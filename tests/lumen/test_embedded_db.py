from django.db import connection

from lumen import embedded_db


def test_pgvector_is_installed_by_the_migrations(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert cursor.fetchone() is not None


def test_cosine_search_through_an_hnsw_index_works(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE probe (id int, v vector(3))")
        cursor.execute(
            "INSERT INTO probe VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')"
        )
        cursor.execute("CREATE INDEX ON probe USING hnsw (v vector_cosine_ops)")
        cursor.execute("SELECT id FROM probe ORDER BY v <=> '[1,0,0]' LIMIT 2")
        assert [row[0] for row in cursor.fetchall()] == [1, 3]


def test_the_embedded_server_is_reused_not_restarted():
    pgdata = embedded_db.default_pgdata()
    import pgserver.utils

    before = pgserver.utils.PostmasterInfo.read_from_pgdata(pgdata).pid
    first = embedded_db.ensure_running(pgdata)
    second = embedded_db.ensure_running(pgdata)
    assert first == second
    assert pgserver.utils.PostmasterInfo.read_from_pgdata(pgdata).pid == before
