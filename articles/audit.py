"""The audit log: who changed what, when and from where, read-only in the admin.

Built on django-auditlog (a well-kept library: model signals, a request middleware that
carries the actor and the remote address, a JSON diff per change, and its own migrations), so
this module only says *which* models and fields are audited and adds what auditlog lacks:

- the actor of requests authenticated by an API key (DRF authenticates inside the view, after
  the middleware has read ``request.user``): ``audit_actor_set``;
- logins, logouts and failed logins, as ``ACCESS`` entries on the user (no model of our own,
  so no migration; ``additional_data["event"]`` says which);
- explicit entries for writes that bypass model signals (``queryset.update()``,
  ``bulk_create``): ``audit_log_change``;
- a remote address that cannot be forged by a client header (``AuditMiddleware``);
- the admin: filters by action, model, actor and date, search, nothing editable.

Not audited on purpose: rows written by extraction (mentions, figures, dates, quotes are
created by ``bulk_create``; their review decisions *are* audited), bookkeeping fields
(extraction state and timing, versions, ``updated_at``, ``last_login``, ``last_used_at``),
notifications, editing presence, import payloads, webhook deliveries. Not covered because
they are ``queryset.update()``/``bulk_*`` writes with records of their own: the mentions and
quotes an entity split moves (``EntityCuration.payload``), story membership moves, merges and
splits (``StoryDecision``), the rows a translation request creates and the renumbering of rows
after a merge or split. Celery tasks have no actor: their entries show "system"."""

from __future__ import annotations

from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

# Bookkeeping written on every save or by the extraction task; an entry for each would bury
# the changes people make.
EXTRACTION_FIELDS = [
    "extraction_state",
    "extraction_error",
    "extractor_version",
    "extracted_content_hash",
    "extraction_started_at",
    "extracted_at",
]
BOOKKEEPING_FIELDS = ["created_at", "updated_at", "version", *EXTRACTION_FIELDS]


class AuditEvent(models.TextChoices):
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    LOGIN_FAILED = "login_failed", _("failed login")


# -- registration ----------------------------------------------------------------------------

MASK_CALLABLE = "articles.audit.audit_mask"


def audit_mask(value: str) -> str:
    """A secret's entry says it changed and nothing of it (auditlog's default mask keeps the
    second half of the value)."""
    return "" if value in ("", "None") else "********"


def audit_text_mask(value: str) -> str:
    """A long text's entry says it changed; the text is in the article's version history."""
    return "" if value in ("", "None") else f"({len(value)} characters: see the version history)"


def audit_register_articles() -> None:
    from articles.models import (
        Article,
        Comment,
        QAOverride,
        Source,
        Translation,
        TranslationSegment,
    )

    auditlog.register(
        Article,
        exclude_fields=[
            *BOOKKEEPING_FIELDS,
            "created_by",
            "updated_by",
            "content_hash",
            "language_confidence",
            "import_warnings",
        ],
        # The text itself is kept once, in the version history (django-simple-history, with
        # word diffs and revert); the audit entry says the body changed without a second copy.
        mask_fields=["body"],
        mask_callable="articles.audit.audit_text_mask",
    )
    # The body is rebuilt from the rows on each row save: the rows' entries hold the text.
    auditlog.register(
        Translation,
        exclude_fields=[
            *BOOKKEEPING_FIELDS,
            "created_by",
            "updated_by",
            "body",
            "source_version",
            "outdated_since",
            "qa_errors",
            "qa_warnings",
            "qa_checked_version",
        ],
    )
    auditlog.register(
        TranslationSegment,
        include_fields=["position", "source_count", "target_text", "status"],
    )
    auditlog.register(Comment, exclude_fields=["created_at"])
    auditlog.register(QAOverride, exclude_fields=["created_at", "fingerprint"])
    auditlog.register(Source, exclude_fields=["created_at"])
    user_model = get_user_model()
    auditlog.register(
        user_model,
        exclude_fields=["last_login", "date_joined"],
        mask_fields=["password"],
        mask_callable=MASK_CALLABLE,
        m2m_fields={"groups", "user_permissions"},
    )
    auditlog.register(Group, m2m_fields={"permissions"})


# -- the actor and "from where" --------------------------------------------------------------


def audit_actor_set(user: AbstractBaseUser) -> None:
    """Make ``user`` the actor of the audit entries written by the rest of this request.

    For authentication that happens after ``AuditMiddleware`` (API keys, inside the DRF view).
    Outside a request nothing applies it (the middleware's receiver is connected only while a
    request runs), so it has no effect there."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user


def remote_address(request: HttpRequest) -> str | None:
    """The client's address. ``X-Forwarded-For`` is the client's to write, so it counts only
    behind ``KZEDITOR_TRUSTED_PROXY_HOPS`` proxies that append to it: the address the
    outermost trusted proxy saw is then that many entries from the right."""
    hops = getattr(settings, "KZEDITOR_TRUSTED_PROXY_HOPS", 0)
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware with a remote address a client cannot choose."""

    @staticmethod
    def _get_remote_addr(request):
        return remote_address(request)


# -- explicit entries ------------------------------------------------------------------------


def audit_log_change(
    *,
    instance: models.Model,
    changes: dict[str, list[Any]],
    action: int = LogEntry.Action.UPDATE,
    actor: AbstractBaseUser | None = None,
) -> LogEntry:
    """An entry for a change that model signals do not see (``queryset.update()``,
    ``bulk_create``). ``changes``: ``{field: [before, after]}`` as auditlog records them. The
    request's actor and address are added by auditlog's context, as for signal entries."""
    return LogEntry.objects.log_create(
        instance,
        action=action,
        changes={name: [str(before), str(after)] for name, (before, after) in changes.items()},
        actor=actor if actor is not None and actor.is_authenticated else None,
        force_log=True,
    )


# -- logins ----------------------------------------------------------------------------------


def _access_entry(
    *,
    event: str,
    account: AbstractBaseUser | None,
    actor: AbstractBaseUser | None,
    request: HttpRequest | None,
    username: str,
) -> None:
    """One ``ACCESS`` entry on the account signed in or out of (or tried)."""
    fields: dict[str, Any] = {
        "action": LogEntry.Action.ACCESS,
        "content_type": ContentType.objects.get_for_model(get_user_model()),
        "object_pk": str(account.pk) if account is not None else "",
        "object_id": account.pk if account is not None else None,
        "object_repr": username,
        "actor": actor,
        "actor_email": getattr(actor, "email", None) or None,
        "remote_addr": remote_address(request) if request is not None else None,
        "changes": {},
        "additional_data": {"event": event, "username": username},
    }
    LogEntry.objects.create(**fields, cid=get_cid())


def _logged_in(sender, request, user, **kwargs) -> None:
    _access_entry(
        event=AuditEvent.LOGIN,
        account=user,
        actor=user,
        request=request,
        username=user.get_username(),
    )


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:  # logging out while logged out
        return
    _access_entry(
        event=AuditEvent.LOGOUT,
        account=user,
        actor=user,
        request=request,
        username=user.get_username(),
    )


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    user_model = get_user_model()
    username = str(credentials.get(user_model.USERNAME_FIELD, "") or "")[:150]
    account = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
    # No actor: nobody proved who they are. The entry is on the account tried, if it exists.
    _access_entry(
        event=AuditEvent.LOGIN_FAILED,
        account=account,
        actor=None,
        request=request,
        username=username,
    )


def audit_connect_auth_signals() -> None:
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(_logged_in, dispatch_uid="articles.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="articles.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="articles.audit.login_failed")


# -- the admin -------------------------------------------------------------------------------


class AuditedModelFilter(admin.SimpleListFilter):
    """The audited models (from the registry: no scan of the log to find them)."""

    title = _("model")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        models_ = sorted(
            {*auditlog.get_models(), get_user_model()}, key=lambda m: str(m._meta.verbose_name)
        )
        types = ContentType.objects.get_for_models(*models_)
        return [(types[model].pk, str(model._meta.verbose_name)) for model in models_]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type_id=self.value())
        return queryset


class AuditEventFilter(admin.SimpleListFilter):
    title = _("sign-in event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return AuditEvent.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(additional_data__event=self.value())
        return queryset


class AuditLogEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only for everyone (superusers too): no add, change or delete; the
    change form shows the entry."""

    date_hierarchy = "timestamp"
    list_display = [
        "timestamp",
        "actor_display",
        "action",
        "what",
        "changed_fields",
        "remote_addr",
        "cid",
    ]
    list_filter = [
        "action",
        AuditedModelFilter,
        AuditEventFilter,
        ("actor", admin.RelatedFieldListFilter),
        "timestamp",
    ]
    list_select_related = ["content_type", "actor"]
    search_fields = [
        "object_repr",
        "object_pk",
        "changes_text",
        "actor__username",
        "remote_addr",
        "cid",
    ]
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) of a long log on every page is not needed
    fields = [
        "timestamp",
        "actor",
        "actor_email",
        "action",
        "content_type",
        "object_pk",
        "object_repr",
        "changes_display",
        "additional_data",
        "remote_addr",
        "remote_port",
        "cid",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def get_actions(self, request):
        return {}

    @admin.display(description=_("who"), ordering="actor__username")
    def actor_display(self, entry: LogEntry) -> str:
        return entry.actor.get_username() if entry.actor else _("system")

    @admin.display(description=_("what"))
    def what(self, entry: LogEntry) -> str:
        return f"{entry.content_type.name} #{entry.object_pk} {entry.object_repr}"

    @admin.display(description=_("changed fields"))
    def changed_fields(self, entry: LogEntry) -> str:
        event = (entry.additional_data or {}).get("event")
        if event:
            return str(AuditEvent(event).label) if event in AuditEvent.values else event
        return ", ".join(sorted(entry.changes_dict))

    @admin.display(description=_("changes"))
    def changes_display(self, entry: LogEntry):
        rows = [
            format_html("<tr><th>{}</th><td>{}</td><td>{}</td></tr>", name, *_pair(values))
            for name, values in sorted(entry.changes_dict.items())
        ]
        if not rows:
            return "—"
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("field"),
            _("before"),
            _("after"),
            format_html_join("", "{}", ((row,) for row in rows)),
        )


def _pair(values: Any) -> tuple[str, str]:
    if isinstance(values, (list, tuple)) and len(values) == 2:
        return str(values[0]), str(values[1])
    return "", str(values)  # m2m changes: {"type": "m2m", "operation": …, "objects": […]}


def audit_admin_register() -> None:
    """Replace auditlog's own admin (it scans the whole log for its model filter and lets
    superusers delete through cascades) with ``AuditLogEntryAdmin``."""
    if admin.site.is_registered(LogEntry):
        admin.site.unregister(LogEntry)
    admin.site.register(LogEntry, AuditLogEntryAdmin)
