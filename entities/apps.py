from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = _("Entities")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_load_knowledge_base, dispatch_uid="entities.knowledge_base")

        from entities.audit import audit_register_entities

        audit_register_entities()


def _load_knowledge_base(sender, app_config=None, using="default", **kwargs) -> None:
    """A freshly migrated database gets the seed knowledge base, so `migrate` followed by
    `import_articles` links out of the box. Only once: entities an admin deleted later are
    not brought back (``load_entities`` does that on purpose)."""
    if app_config is None or app_config.label != "entities" or using != "default":
        return
    from entities.services import knowledge_base_load_if_empty

    knowledge_base_load_if_empty()
