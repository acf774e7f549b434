"""The benchmarks' own PostgreSQL databases: each is created afresh on the server named by
BENCH_POSTGRES_URL and dropped at the end, through a connection to the server's postgres
database."""

from urllib.parse import urlparse


def _admin_connection(server: str):
    import psycopg2

    parsed = urlparse(server)
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def recreate_database(server: str, name: str) -> None:
    conn = _admin_connection(server)
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def drop_database(server: str, name: str) -> None:
    # FORCE: the benchmark's gunicorn workers may still hold connections.
    conn = _admin_connection(server)
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()
