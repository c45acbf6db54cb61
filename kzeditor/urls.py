from django.contrib import admin
from django.urls import include, path

from integrations import probes

urlpatterns = [
    # Liveness and readiness probes for load balancers: no login, nothing sensitive.
    path("healthz", probes.liveness, name="healthz"),
    path("readyz", probes.readiness, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", include("integrations.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("articles.urls")),
    path("", include("entities.urls")),
]

# A lost database connection is a 503 with Retry-After (HTML, or problem+json under /api/),
# wherever it is raised; anything else is the usual 500.
handler500 = "integrations.errors.server_error"
