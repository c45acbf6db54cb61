"""Create the desk's groups with their permissions.

The permission lists are frozen here (not imported from app code) so that this migration means
the same thing forever; later migrations change them explicitly."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "editor": {
        "articles": [
            "add_article", "change_article", "view_article", "import_articles", "publish_article",
            "add_source", "change_source", "view_source",
            "add_translation", "change_translation", "view_translation",
            "add_importbatch", "view_importbatch", "view_importitem",
        ],
        "entities": [
            "add_entity", "change_entity", "view_entity",
            "add_alias", "change_alias", "delete_alias", "view_alias",
            "add_mention", "change_mention", "delete_mention", "view_mention",
        ],
    },
    "reviewer": {
        "articles": [
            "view_article", "change_article", "review_article", "view_source",
            "view_translation", "change_translation", "view_importbatch", "view_importitem",
        ],
        "entities": ["view_entity", "view_alias", "view_mention", "change_mention"],
    },
    "translator": {
        "articles": ["view_article", "view_source", "view_translation", "change_translation"],
        "entities": ["view_entity", "view_alias", "view_mention"],
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate finishes; create them now to assign them.
    for label in ("articles", "entities"):
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codenames in by_app.items():
            perms = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            missing = set(codenames) - set(perms.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Missing permissions for {role}: {sorted(missing)}")
            group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("entities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
