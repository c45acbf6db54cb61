"""Forms of the translation desk: they check the shape of the input (numbers, choices, lengths)
and say precisely what is wrong; the rules (who may, in which state) are the services'."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from articles.forms import DateTimeLocalInput, VersionForm
from articles.models import Language, SegmentStatus, TranslationStatus
from articles.roles import Role
from articles.translations.services import MAX_SEGMENT_CHARS


def users_with_role(role: Role) -> QuerySet:
    """Active users in the role (and admins), by username: who a translation can go to."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=role))
        .distinct()
        .order_by("username")
    )


class _AssigneesForm(forms.Form):
    translator = forms.ModelChoiceField(
        label=_("Translator"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
        error_messages={"invalid_choice": _("That translator is not on the desk's list.")},
    )
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
        error_messages={"invalid_choice": _("That reviewer is not on the desk's list.")},
    )
    due_at = forms.DateTimeField(label=_("Due"), required=False, widget=DateTimeLocalInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["translator"].queryset = users_with_role(Role.TRANSLATOR)
        self.fields["reviewer"].queryset = users_with_role(Role.REVIEWER)


class TranslationRequestForm(_AssigneesForm):
    language = forms.ChoiceField(
        label=_("Into"),
        choices=Language.choices,
        error_messages={
            "required": _("Choose the language to translate into."),
            "invalid_choice": _("Unknown language «%(value)s»; expected one of kk, ru, en."),
        },
    )

    field_order = ["language", "translator", "reviewer", "due_at"]


class TranslationAssignForm(VersionForm, _AssigneesForm):
    pass


class TranslationVersionForm(VersionForm):
    """Merge and split: the translation version the page showed."""


class SegmentSaveForm(forms.Form):
    """One row of the editor. ``version`` is the row's own version (two people on two rows do
    not conflict); the text may be empty (the row goes back to untranslated)."""

    version = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": _("The page did not say which version of the paragraph it showed."),
            "invalid": _("The paragraph version must be a whole number."),
            "min_value": _("The paragraph version must be a whole number."),
        },
    )
    target_text = forms.CharField(
        required=False,
        strip=False,
        max_length=MAX_SEGMENT_CHARS,
        widget=forms.Textarea,
        error_messages={
            "max_length": _("A paragraph can hold at most %(limit_value)d characters.")
        },
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *SegmentStatus.choices],
        error_messages={"invalid_choice": _("Unknown paragraph status «%(value)s».")},
    )


class TranslationTransitionForm(VersionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=10_000, widget=forms.Textarea
    )
    override_reason = forms.CharField(
        label=_("Why the remaining errors are acceptable"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea,
    )


class QAOverrideForm(forms.Form):
    fingerprint = forms.CharField(
        max_length=64,
        error_messages={"required": _("The page did not say which finding to accept.")},
    )
    reason = forms.CharField(
        label=_("Why is it acceptable?"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the finding is acceptable.")},
    )


OUTDATED = "outdated"


class TranslationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *TranslationStatus.choices, (OUTDATED, _("Outdated"))],
        error_messages={"invalid_choice": _("Unknown status «%(value)s».")},
    )
    language = forms.ChoiceField(
        label=_("Into"),
        required=False,
        choices=[("", _("Any")), *Language.choices],
        error_messages={"invalid_choice": _("Unknown language «%(value)s».")},
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)


def form_error_message(form: forms.Form) -> str:
    """Every error of a form in one sentence, field label first, for a refusal message."""
    parts = []
    for name, errors in form.errors.items():
        if name == "version":
            parts.append(str(_("The page did not say which version it showed; reload it.")))
            continue
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        parts.extend(f"{label}{error}" for error in errors)
    return " ".join(parts)
