"""Forms of the conflicting-figures queue: its filters and the explanation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from entities.conflicts.models import FigureConflict
from entities.conflicts.selectors import STATUS_ALL, STATUS_CURRENT
from entities.models import FigureKind

STATUS_CHOICES = [
    (STATUS_CURRENT, _("Open and explained")),
    *FigureConflict.Status.choices,
    (STATUS_ALL, _("All")),
]


class ConflictFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *FigureKind.choices], required=False
    )
    story = forms.IntegerField(label=_("Story"), min_value=1, required=False)
    entity = forms.IntegerField(label=_("Entity"), min_value=1, required=False)

    def filters(self) -> dict:
        """The filters that were valid (an invalid one is left out, and its error shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or STATUS_CURRENT,
            "kind": data.get("kind") or "",
            "story_id": data.get("story"),
            "entity_id": data.get("entity"),
        }


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _(
                "Write what explains the difference (a revised estimate, another project, "
                "a typo in one of the articles…)."
            ),
        },
    )
