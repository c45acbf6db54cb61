"""Admins issue and revoke API keys and register webhooks here."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.validators import URLValidator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from integrations.keys import api_key_revoke
from integrations.models import (
    ApiKey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from integrations.webhooks.services import (
    webhook_redeliver,
    webhook_secret_generate,
    webhook_url_check,
)

# The library's own key model is unused (ours adds the user and scopes); hide its admin.
admin.site.unregister(APIKey)


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    list_display = [
        "prefix", "name", "user", "scope_read", "scope_write", "scope_import", "created",
        "last_used_at", "expiry_date", "_has_expired", "revoked",
    ]  # fmt: skip
    list_filter = ["revoked", "scope_write", "scope_import", "created"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    fields = [
        "name", "user", "scope_read", "scope_write", "scope_import", "expiry_date", "revoked",
        "prefix", "created", "last_used_at", "created_by",
    ]  # fmt: skip
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ("prefix", "created", "last_used_at", "created_by")
        if obj is not None:
            # A key's owner and scopes are fixed once issued: issue a new key instead.
            readonly += ("user", "scope_read", "scope_write", "scope_import")
            if obj.revoked:
                readonly += ("name", "revoked", "expiry_date")
        return readonly

    def save_model(self, request, obj, form=None, change=False):
        if not obj.pk:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = 0
        for api_key in queryset.filter(revoked=False):
            api_key_revoke(api_key=api_key)
            count += 1
        self.message_user(
            request, _("%(count)d key(s) revoked.") % {"count": count}, messages.SUCCESS
        )


# -- webhooks ----------------------------------------------------------------------------------


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=1000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("kzeditor POSTs each event here (http or https; redirects are not followed)."),
    )
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A subscription with no events receives nothing."),
    )
    secret = forms.CharField(
        label=_("secret"),
        max_length=128,
        required=False,
        help_text=_("Leave blank to generate one. Shown here once saved; it cannot be changed."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "secret", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhook_url_check(url)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return url

    def clean_events(self) -> list[str]:
        chosen = set(self.cleaned_data["events"])
        return [event for event in WebhookEvent.values if event in chosen]

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"].strip()


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["name", "url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    fields = ["name", "url", "events", "secret", "is_active", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ("created_by", "created_at")
        if obj is not None:
            # Receivers verify with it: a new secret means a new subscription.
            readonly += ("secret",)
        return readonly

    def save_model(self, request, obj, form=None, change=False):
        if not obj.pk:
            obj.created_by = request.user
        if not obj.secret:
            obj.secret = webhook_secret_generate()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("events"))
    def event_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.events or []) or "—"


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "created_at", "status_code", "error", "response_excerpt", "duration_ms"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only; "Redeliver" sends a delivery again."""

    list_display = [
        "event", "subscription", "status", "attempts", "last_status_code", "created_at",
        "delivered_at",
    ]  # fmt: skip
    list_filter = ["status", "event", "subscription", "created_at"]
    list_select_related = ["subscription"]
    search_fields = ["=event_id", "subscription__name"]
    date_hierarchy = "created_at"
    fields = [
        "subscription", "event", "event_id", "status", "attempts", "last_status_code",
        "last_error", "next_attempt_at", "delivered_at", "created_at", "payload_pretty",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_redeliver_permission(self, request) -> bool:
        return request.user.has_perm("integrations.change_webhookdelivery")

    @admin.display(description=_("payload"))
    def payload_pretty(self, obj: WebhookDelivery):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True, ensure_ascii=False)
        )

    @admin.action(description=_("Redeliver the selected deliveries"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        count = 0
        for delivery_id in queryset.values_list("pk", flat=True):
            webhook_redeliver(delivery_id=delivery_id)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
