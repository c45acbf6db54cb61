"""The story list's filters and the editors' story forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Language, Source
from entities.stories.models import Story

YES, NO = "yes", "no"


class StoryFilterForm(forms.Form):
    language_present = forms.ChoiceField(
        label=_("Has a version in"),
        choices=[("", _("Any language")), *Language.choices],
        required=False,
    )
    language_missing = forms.ChoiceField(
        label=_("Has no version in"),
        choices=[("", _("Any language")), *Language.choices],
        required=False,
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.order_by("name"),
        empty_label=_("All sources"),
        required=False,
    )
    published_from = forms.DateField(
        label=_("Published from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_to = forms.DateField(
        label=_("Published until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    confirmed = forms.ChoiceField(
        label=_("Confirmed"),
        choices=[("", _("All stories")), (YES, _("Confirmed")), (NO, _("Not confirmed"))],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", _("The end of the period is before its start."))
        present, missing = cleaned.get("language_present"), cleaned.get("language_missing")
        if present and present == missing:
            self.add_error(
                "language_missing", _("A story cannot both have and lack the same language.")
            )
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of ``stories_list`` (valid form only)."""
        data = self.cleaned_data
        confirmed = {YES: True, NO: False}.get(data.get("confirmed") or "")
        return {
            "language_present": data.get("language_present") or "",
            "language_missing": data.get("language_missing") or "",
            "source": data.get("source"),
            "published_from": data.get("published_from"),
            "published_to": data.get("published_to"),
            "confirmed": confirmed,
        }


class StoryRenameForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=Story._meta.get_field("title").max_length, strip=True
    )


def story_id_from(value: str | None) -> int | None:
    """A story id typed or chosen in a form («12», « #12 »), or None."""
    value = (value or "").strip().lstrip("#").strip()
    if value.isdigit() and len(value) < 19:
        return int(value)
    return None


def article_ids_from(values: list[str]) -> list[int] | None:
    """The article ids of a checkbox list, or None when one is not an id."""
    ids = []
    for value in values:
        value = value.strip()
        if not value.isdigit() or len(value) >= 19:
            return None
        ids.append(int(value))
    return ids
