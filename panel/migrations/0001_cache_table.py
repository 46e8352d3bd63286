"""The database cache's table, so a fresh clone's `migrate` is all the shared cache needs."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

from panel.env import CACHE_TABLE


def create_cache_table(apps, schema_editor):
    # Created whatever CACHES says today: switching REDIS_URL off later must still work.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
