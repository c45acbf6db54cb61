from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """The integration API's shared parts (API keys, errors, pagination, conditional requests,
    throttling, the OpenAPI schema, health) and webhooks. The endpoints themselves live with
    their data: ``articles.api`` and ``entities.api``."""

    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from integrations import (
            request_id,  # noqa: F401  (carries request ids into tasks)
            schema,  # noqa: F401  (registers the OpenAPI auth extension)
        )
        from integrations.audit import audit_register_integrations
        from integrations.webhooks import receivers  # noqa: F401  (connects the event signals)

        audit_register_integrations()
