"""The activity search reads stored text vectors (PostgreSQL only).

Migration 0005 indexed the vector as an expression, so finding the matches was cheap, but
ranking them built each match's vector again, and for a common word the planner chose to
build every activity's: 1.3 to 2.4 s for a word found in 36 000 of the national data set's
37 800 activities. Now a trigger keeps each activity's vector in actionplans_activitysearch
on every insert and update, and the search filters and ranks the stored vectors. Other
databases keep the table empty and search with a plain substring match.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

SEARCH_VECTOR = (
    "(setweight(to_tsvector('swedish'::regconfig, COALESCE({row}.title, '')), 'A') || "
    "setweight(to_tsvector('swedish'::regconfig, "
    "COALESCE({row}.description, '') || ' ' || COALESCE({row}.expected_benefits, '')), 'B'))"
)

FORWARDS = f"""
CREATE FUNCTION actionplans_activity_search_keep() RETURNS trigger AS $$
BEGIN
  INSERT INTO actionplans_activitysearch (activity_id, document)
  VALUES (NEW.id, {SEARCH_VECTOR.format(row="NEW")})
  ON CONFLICT (activity_id) DO UPDATE SET document = EXCLUDED.document;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER actionplans_activity_search_keep
AFTER INSERT OR UPDATE OF title, description, expected_benefits ON actionplans_activity
FOR EACH ROW EXECUTE FUNCTION actionplans_activity_search_keep();

INSERT INTO actionplans_activitysearch (activity_id, document)
SELECT a.id, {SEARCH_VECTOR.format(row="a")} FROM actionplans_activity a;

CREATE INDEX actionplans_activitysearch_document
ON actionplans_activitysearch USING gin (document);

DROP INDEX IF EXISTS actionplans_activity_search;
"""

BACKWARDS = f"""
DROP TRIGGER IF EXISTS actionplans_activity_search_keep ON actionplans_activity;
DROP FUNCTION IF EXISTS actionplans_activity_search_keep();
CREATE INDEX IF NOT EXISTS actionplans_activity_search
ON actionplans_activity USING gin ({SEARCH_VECTOR.format(row="actionplans_activity")});
"""


def keep_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0016_text_lengths_and_number_ranges"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActivitySearch",
            fields=[
                (
                    "activity",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="actionplans.activity",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "verbose_name": "activity search document",
            },
        ),
        migrations.RunPython(keep_vectors, drop_trigger),
    ]
