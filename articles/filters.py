"""The article list's filters, search, sort and page size, as one django-filter FilterSet.

Invalid values never fail the page: the field shows its error and that filter is left out
(``FilterSet.qs`` filters only with the fields that cleaned)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from articles import selectors
from articles.models import Article, ArticleStatus, Language, Source

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
ASSIGNEE_ME = "me"
ASSIGNEE_NOBODY = "unassigned"

# Workflow order, so "status" sorts draft → in review → approved → published → archived.
STATUS_RANK = {status: rank for rank, status in enumerate(ArticleStatus.values)}

SORT_FIELDS = {
    "published": _("Published at"),
    "title": _("Title"),
    "status": _("Status"),
    "updated": _("Updated"),
    "due": _("Due"),
}
DEFAULT_SORT = "-published"


def _sort_choices() -> list[tuple[str, str]]:
    choices = []
    for key, label in SORT_FIELDS.items():
        choices.append((key, _("%(field)s, ascending") % {"field": label}))
        choices.append((f"-{key}", _("%(field)s, descending") % {"field": label}))
    return choices


def sort_order(sort: str) -> list:
    """ORDER BY for a whitelisted sort key (``-`` for descending); undated rows last."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")

    def direction(expression):
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

    if key == "status":
        rank = Case(
            *(When(status=status, then=Value(n)) for status, n in STATUS_RANK.items()),
            output_field=IntegerField(),
        )
        primary = direction(rank)
    else:
        column = {
            "published": "published_at",
            "title": "title",
            "updated": "updated_at",
            "due": "due_at",
        }[key]
        primary = direction(F(column))
    return [primary, F("id").desc() if descending else F("id").asc()]


class ArticleFilterForm(forms.Form):
    """Cross-field checks and the look-ups that turn a typed value into ids."""

    def clean_assignee(self):
        value = (self.cleaned_data.get("assignee") or "").strip()
        if value in ("", ASSIGNEE_ME, ASSIGNEE_NOBODY):
            return value
        if value.isdigit() and int(value) in self.assignee_ids:
            return value
        raise forms.ValidationError(_("Choose a person from the list."), code="invalid_choice")

    def clean_entity(self):
        """An entity id (from the suggestions) or a name or alias, matched like the linker
        matches mentions. Returns the ids of the entities it names."""
        from entities.linking.keys import lookup_key
        from entities.models import Alias, Entity

        value = (self.cleaned_data.get("entity") or "").strip()
        if not value:
            return []
        if value.isdigit() and len(value) < 19:  # an id (a bigint has at most 19 digits)
            entities = Entity.objects.filter(pk=int(value))
        else:
            # The suggestions offer names; aliases also find an entity by any spelling.
            entities = Entity.objects.filter(
                Q(pk__in=Alias.objects.filter(key=lookup_key(value)).values("entity_id"))
                | Q(name_kk=value)
                | Q(name_ru=value)
                | Q(name_en=value)
            )
        # Mentions point at the entity a merged one now lives on.
        ids = {entity.merged_into_id or entity.pk for entity in entities.only("merged_into")}
        if not ids:
            raise forms.ValidationError(
                _("No entity is called «%(name)s».") % {"name": value}, code="unknown_entity"
            )
        return sorted(ids)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", _("The end of the date range is before its start."))
        return cleaned


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Search titles and text")}
        ),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Language.choices, empty_label=_("All languages")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ArticleStatus.choices, empty_label=_("All statuses")
    )
    source = django_filters.ModelChoiceFilter(
        label=_("Source"), queryset=Source.objects.order_by("name"), empty_label=_("All sources")
    )
    assignee = django_filters.CharFilter(
        label=_("Assignee"), method="filter_assignee", widget=forms.Select
    )
    entity = django_filters.CharFilter(
        label=_("Entity"),
        method="filter_entity",
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "list": "entity-suggestions",
                "placeholder": _("Name or alias"),
                "autocomplete": "off",
                # Suggestions as you type (a query over the knowledge base, not the mentions).
                "hx-get": reverse_lazy("entities:entity_options"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#entity-suggestions",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        ),
    )
    published_from = django_filters.DateFilter(
        label=_("Published from"),
        field_name="published_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_to = django_filters.DateFilter(
        label=_("Published to"),
        field_name="published_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=_sort_choices, method="filter_sort", empty_label=None
    )
    per_page = django_filters.TypedChoiceFilter(
        label=_("Per page"),
        choices=[(str(n), str(n)) for n in PAGE_SIZES],
        coerce=int,
        method="filter_nothing",
    )

    class Meta:
        model = Article
        fields: list[str] = []
        form = ArticleFilterForm

    def __init__(self, data=None, *args, user, **kwargs) -> None:
        if data is not None:
            # Bound with the defaults, so the sort and page-size menus show what is applied.
            data = data.copy()
            data.setdefault("sort", DEFAULT_SORT)
            data.setdefault("per_page", str(DEFAULT_PAGE_SIZE))
        super().__init__(data, *args, **kwargs)
        self.user = user
        # One query for the people in the assignee menu, reused to validate the choice.
        people = list(selectors.assignable_users())
        self.form.assignee_ids = {person.pk for person in people}
        self.form.fields["assignee"].widget.choices = [
            ("", _("Anyone")),
            (ASSIGNEE_ME, _("Me")),
            (ASSIGNEE_NOBODY, _("Nobody")),
            *((str(person.pk), person.get_username()) for person in people),
        ]

    # -- filters -------------------------------------------------------------------------

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.article_search(queryset, value)

    def filter_assignee(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ASSIGNEE_ME:
            return queryset.filter(assignee=self.user)
        if value == ASSIGNEE_NOBODY:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))

    def filter_entity(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        from entities.models import Mention, ReviewStatus

        if not value:
            return queryset
        mentioned = Mention.objects.filter(article=OuterRef("pk"), entity_id__in=value).exclude(
            review_status=ReviewStatus.REJECTED
        )
        return queryset.filter(Exists(mentioned))

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*sort_order(value or DEFAULT_SORT))

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    # -- what the page needs -------------------------------------------------------------

    def cleaned(self, name: str, default=None):
        """A field's cleaned value, or ``default`` when it was empty or invalid."""
        if not self.is_bound:
            return default
        self.errors  # noqa: B018 - runs validation
        value = self.form.cleaned_data.get(name)
        return value if value not in (None, "", []) else default

    @property
    def page_size(self) -> int:
        return self.cleaned("per_page", DEFAULT_PAGE_SIZE)

    @property
    def sort_applied(self) -> str:
        return self.cleaned("sort", DEFAULT_SORT)
