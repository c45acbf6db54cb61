"""Forms of the entity pages: they check what an editor typed; the services decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from entities.models import Alias, Entity, EntityType, Gender

_WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")
NAME_LABELS = (
    ("name_kk", _("Name in Kazakh")),
    ("name_ru", _("Name in Russian")),
    ("name_en", _("Name in English")),
)


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class EntityFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or alias"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *EntityType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Entity.Status.choices],
    )


class ReviewFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *EntityType.choices]
    )


class ReasonForm(forms.Form):
    reason = _reason_field()


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label=_("Merge into entity number"),
        min_value=1,
        error_messages={
            "required": _("Choose the entity to merge into."),
            "invalid": _("Give the number of the entity to merge into."),
        },
    )
    reason = _reason_field()

    def clean_target(self) -> Entity:
        target = Entity.objects.filter(pk=self.cleaned_data["target"]).first()
        if target is None:
            raise forms.ValidationError(
                _("There is no entity number %(pk)s."), params={"pk": self.cleaned_data["target"]}
            )
        return target


class AliasForm(forms.Form):
    text = forms.CharField(
        label=_("Alias"),
        max_length=300,
        error_messages={"required": _("Type the alias to add.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[
            ("", _("Any language")),
            ("kk", _("Kazakh")),
            ("ru", _("Russian")),
            ("en", _("English")),
        ],
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Alias.Kind.choices, initial=Alias.Kind.NAME)
    reason = _reason_field()


class _NamesForm(forms.Form):
    name_kk = forms.CharField(label=NAME_LABELS[0][1], required=False, max_length=300)
    name_ru = forms.CharField(label=NAME_LABELS[1][1], required=False, max_length=300)
    name_en = forms.CharField(label=NAME_LABELS[2][1], required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(name) or "").strip() for name, _label in NAME_LABELS):
            raise forms.ValidationError(_("Give a name in at least one language."))
        return cleaned


class EntityEditForm(_NamesForm):
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    wikidata_id = forms.CharField(
        label=_("Wikidata id"),
        required=False,
        max_length=20,
        help_text=_("Like Q42; leave empty if there is none."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Unknown")), *Gender.choices]
    )
    reason = _reason_field()

    def clean_wikidata_id(self) -> str:
        value = self.cleaned_data["wikidata_id"].strip().upper()
        if value and not _WIKIDATA_ID.fullmatch(value):
            raise forms.ValidationError(_("A Wikidata id looks like Q42 (Q and a number)."))
        return value


class IdListField(forms.Field):
    """Ids of checked boxes (the template draws the boxes, one per row)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(v) for v in value or ()})
        except (TypeError, ValueError):
            raise forms.ValidationError(
                _("The selection was not understood; reload the page.")
            ) from None


class SplitForm(_NamesForm):
    mentions = IdListField(
        label=_("Mentions that name the other entity"),
        error_messages={"required": _("Select the mentions that name the other entity.")},
    )
    type = forms.ChoiceField(label=_("Type of the new entity"), choices=EntityType.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = _reason_field()
