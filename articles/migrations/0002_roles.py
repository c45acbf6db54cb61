"""Create the desk's groups with their permissions (``articles.roles.ROLE_PERMISSIONS``).

The same sync also runs after every migrate and test-database flush (``ArticlesConfig.ready``),
so a permission added to a role later reaches existing databases without another migration."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import ROLE_PERMISSIONS, roles_sync


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate finishes; create them now to assign them.
    for label in ("articles", "entities"):
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps)
    roles_sync(apps=apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("entities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
