"""The article list's order, `published_at DESC NULLS LAST, id DESC` (articles.selectors),
as an index: without it PostgreSQL read and sorted every article for each list page (302 ms at
100k articles in EXPLAIN ANALYZE; 0.3 ms with it, docs/performance.md). PostgreSQL only:
SQLite cannot index NULLS LAST, and on the embedded default the table is small. Not declared in
Article.Meta for the same reason, so it is created and dropped here."""

from django.db import migrations

INDEX = "article_list_order_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article "
            "(published_at DESC NULLS LAST, id DESC)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_import_jobs")]

    operations = [migrations.RunPython(create_index, drop_index)]
