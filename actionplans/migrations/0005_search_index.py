"""The activity search's full-text index (PostgreSQL only).

actionplans.selectors.search_activities filters on exactly this expression, so PostgreSQL
answers from the index instead of building every activity's text vector. Other databases
search with a plain substring match and get no index.
"""

from django.db import migrations, models

SEARCH_VECTOR = (
    "(setweight(to_tsvector('swedish'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('swedish'::regconfig, "
    "COALESCE(description, '') || ' ' || COALESCE(expected_benefits, '')), 'B'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS actionplans_activity_search "
            f"ON actionplans_activity USING gin ({SEARCH_VECTOR})"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS actionplans_activity_search")


class Migration(migrations.Migration):
    dependencies = [("actionplans", "0004_workflow_revisions_risks")]

    operations = [
        # Nearly every activity has no removal date: an index on it helps no query.
        migrations.AlterField(
            model_name="activity",
            name="removed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="removed"),
        ),
        migrations.AlterField(
            model_name="historicalactivity",
            name="removed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="removed"),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
