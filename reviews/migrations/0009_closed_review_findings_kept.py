"""The database refuses to delete a finding of a closed review (docs/architecture.md "Nothing
with history is deleted"): the carry-over rates of past months are computed from those rows.
reviews.rules.finding_is_deletable is the same rule for the pages and finding_delete; the
trigger holds it for the admin, the shell and any raw delete. PostgreSQL only: the embedded
SQLite mode relies on the services."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reviews_finding_keep_closed() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM reviews_review WHERE id = OLD.review_id AND status = 'closed'
    ) THEN
        RAISE EXCEPTION 'finding % belongs to a closed review and cannot be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reviews_finding_keep_closed
    BEFORE DELETE ON reviews_finding
    FOR EACH ROW EXECUTE FUNCTION reviews_finding_keep_closed();
"""

DROP = """
DROP TRIGGER IF EXISTS reviews_finding_keep_closed ON reviews_finding;
DROP FUNCTION IF EXISTS reviews_finding_keep_closed();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the % of RAISE is PL/pgSQL's, not a placeholder.
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0008_protect_history")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
