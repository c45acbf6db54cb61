from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # After auth and contenttypes have created permissions (they connect first).
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="articles.roles_sync")

        # The audit log (articles/audit.py): models followed, sign-in events, its admin (the
        # admin app autodiscovered auditlog's own admin before this runs; ours replaces it).
        from articles import audit

        audit.audit_register_articles()
        audit.audit_connect_auth_signals()
        audit.audit_admin_register()


def _sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from articles.roles import ROLE_PERMISSIONS, roles_sync

    if app_config is None or app_config.label != "articles":
        return
    # Permissions of every app a role uses must exist first; post_migrate reaches apps in
    # INSTALLED_APPS order, so create them here (idempotent).
    labels = {label for by_app in ROLE_PERMISSIONS.values() for label in by_app}
    for label in sorted(labels):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    roles_sync()
