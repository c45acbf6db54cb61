"""The filters of the coverage pages and the export. Invalid values never break a page: the
field shows its error and the default is used instead (the view answers 400 so a script
asking for the export notices)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Language, Source
from entities.coverage.periods import (
    ALL_TIME,
    DEFAULT_DAYS,
    DEFAULT_TOP,
    GRANULARITIES,
    MEASURES,
    PERIOD_PRESETS,
    TEXTS,
    TOP_CHOICES,
    WEEK,
    CoverageFilters,
    today,
)
from entities.coverage.selectors import DEFAULT_MATRIX, matrix_kinds
from entities.models import Entity, EntityType
from entities.templatetags.entity_names import localized_name


def _period_choices() -> list[tuple[str, str]]:
    labels = {
        "7": _("Last 7 days"),
        "30": _("Last 30 days"),
        "90": _("Last 90 days"),
        "365": _("Last 365 days"),
        ALL_TIME: _("All time"),
    }
    return [(key, labels[key]) for key in PERIOD_PRESETS]


class PeriodForm(forms.Form):
    """A period preset, or dates (which win when given)."""

    default_days = DEFAULT_DAYS

    period = forms.ChoiceField(label=_("Period"), choices=_period_choices, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Dates, when given, replace the period."),
    )

    def __init__(self, data=None, *args, **kwargs) -> None:
        super().__init__(data, *args, **kwargs)
        self.fields["period"].initial = str(self.default_days)

    def full_clean(self) -> None:
        # A bound form shows what is applied: the fields the query left out get their default.
        if self.is_bound:
            data = self.data.copy()
            for name, field in self.fields.items():
                if name not in data and field.initial is not None:
                    data[name] = field.initial
            self.data = data
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period is before its start."))
            cleaned.pop("end", None)
        return cleaned

    def value(self, name: str, default=None):
        """A field's cleaned value, or ``default`` when it was empty or invalid."""
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def coverage_filters(self, **fixed) -> CoverageFilters:
        start, end = self.value("start"), self.value("end")
        if start or end:
            filters = CoverageFilters(start=start, end=end or today(), **fixed)
        else:
            days = PERIOD_PRESETS[self.value("period", str(self.default_days))]
            filters = CoverageFilters.last_days(days, **fixed)
        return filters


class CoverageFilterForm(PeriodForm):
    matrix = forms.ChoiceField(label=_("Table"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        required=False,
        queryset=Source.objects.order_by("name"),
        empty_label=_("All sources"),
    )
    entity_type = forms.ChoiceField(
        label=_("Entity type"),
        required=False,
        choices=[("", _("All types")), *EntityType.choices],
    )
    granularity = forms.ChoiceField(
        label=_("Columns by"),
        required=False,
        choices=list(GRANULARITIES.items()),
        initial=WEEK,
        help_text=_("For the table over time."),
    )
    measure = forms.ChoiceField(
        label=_("Count"), required=False, choices=list(MEASURES.items()), initial=TEXTS
    )
    top = forms.TypedChoiceField(
        label=_("Rows"),
        required=False,
        coerce=int,
        choices=[(str(n), str(n)) for n in TOP_CHOICES],
        initial=str(DEFAULT_TOP),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["matrix"].choices = [(k, m.label) for k, m in matrix_kinds().items()]
        self.fields["matrix"].initial = DEFAULT_MATRIX

    @property
    def matrix_key(self) -> str:
        return self.value("matrix", DEFAULT_MATRIX)

    def filters(self) -> CoverageFilters:
        source = self.value("source")
        return self.coverage_filters(
            language=self.value("language", ""),
            source_id=source.pk if source else None,
            entity_type=self.value("entity_type", ""),
            granularity=self.value("granularity", WEEK),
            measure=self.value("measure", TEXTS),
            top=self.value("top", DEFAULT_TOP),
        )


class ChartFilterForm(CoverageFilterForm):
    """The charts page: the coverage filters and an entity to follow."""

    entity = forms.IntegerField(
        label=_("Entity"), required=False, min_value=1, widget=forms.Select(choices=[])
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["matrix"]
        del self.fields["top"]
        self.fields["granularity"].label = _("Points by")
        self.fields["granularity"].help_text = ""

    def set_entity_choices(self, entities: list[Entity], chosen: Entity | None) -> None:
        listed = list(entities)
        if chosen is not None and chosen.pk not in {e.pk for e in listed}:
            listed.insert(0, chosen)
        self.fields["entity"].widget.choices = [
            ("", _("The most covered entities")),
            *((str(e.pk), localized_name(e)) for e in listed),
        ]

    def clean_entity(self):
        pk = self.cleaned_data.get("entity")
        if not pk:
            return None
        entity = Entity.objects.filter(pk=pk).first()
        if entity is None:
            raise forms.ValidationError(_("No entity has the number %(pk)s.") % {"pk": pk})
        return entity


class GapFilterForm(PeriodForm):
    default_days = 7

    language = forms.ChoiceField(
        label=_("Missing language"),
        required=False,
        choices=Language.choices,
        initial=Language.KAZAKH,
    )
    entity_type = forms.ChoiceField(
        label=_("Entity type"),
        required=False,
        choices=[("", _("All types")), *EntityType.choices],
        help_text=_("For the entities covered in one language."),
    )

    @property
    def language_code(self) -> str:
        return self.value("language", Language.KAZAKH)

    def filters(self) -> CoverageFilters:
        return self.coverage_filters(entity_type=self.value("entity_type", ""))
