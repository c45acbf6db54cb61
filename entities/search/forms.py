"""The search page's query box and filters (a GET form: every search is a shareable URL)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import ArticleStatus, Language, Source, TranslationStatus
from entities.models import EntityType
from entities.search.query import MAX_QUERY_LENGTH
from entities.search.selectors import (
    KIND_ARTICLE,
    KIND_TRANSLATION,
    ORDER_NEWEST,
    ORDER_RELEVANCE,
    SearchFilters,
)


def _status_choices() -> list[tuple[str, str]]:
    """Article and translation statuses in one list (a status filters the text it belongs to:
    an article by its workflow, a translation by its own)."""
    choices = dict(ArticleStatus.choices)
    for value, label in TranslationStatus.choices:
        choices.setdefault(value, label)
    return [("", _("Any status")), *choices.items()]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Words or names, e.g. Токаев")}
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *Language.choices]
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        required=False,
        queryset=Source.objects.order_by("name"),
        empty_label=_("Any source"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_status_choices)
    kind = forms.ChoiceField(
        label=_("Texts"),
        required=False,
        choices=[
            ("", _("Articles and translations")),
            (KIND_ARTICLE, _("Articles only")),
            (KIND_TRANSLATION, _("Translations only")),
        ],
    )
    date_from = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    entity_type = forms.ChoiceField(
        label=_("Names of"),
        required=False,
        choices=[("", _("Any kind of name")), *EntityType.choices],
        help_text=_("Only names of this kind are looked up as entities."),
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(ORDER_RELEVANCE, _("Most relevant first")), (ORDER_NEWEST, _("Newest first"))],
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> SearchFilters:
        """The valid filters (an invalid one is left out and shown with its error)."""
        data = self.cleaned_data if self.is_bound else {}
        source = data.get("source")
        return SearchFilters(
            language=data.get("language") or "",
            source_id=source.pk if source else None,
            status=data.get("status") or "",
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to") if "date_to" not in self.errors else None,
        )
