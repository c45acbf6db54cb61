from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Language, Source
from articles.selectors import assignable_users


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Empty files pass the form: the import reports them per file,
    next to the other files' results, instead of rejecting the whole upload."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("Plain-text articles (.txt) or .zip archives of them. Several at once."),
        widget=MultipleFileInput(attrs={"accept": ".txt,.zip,text/plain,application/zip"}),
    )


# -- editing, workflow, comments ---------------------------------------------------------------

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">``; the value is read in the current time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL_FORMAT)


class VersionForm(forms.Form):
    """The article version the page was showing: every write checks it (optimistic locking)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ArticleEditForm(VersionForm):
    title = forms.CharField(label=_("Title"), max_length=500)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text=_("Paragraphs are separated by a blank line."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect automatically"))],
    )
    byline = forms.CharField(label=_("Byline"), max_length=300, required=False)
    photo_credit = forms.CharField(label=_("Photo credit"), max_length=300, required=False)
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=None, required=False, empty_label=_("— none —")
    )
    source_url = forms.URLField(
        label=_("Source URL"), max_length=1000, required=False, assume_scheme="https"
    )
    published_at = forms.DateTimeField(
        label=_("Published at"), required=False, widget=DateTimeLocalInput
    )

    # The order of the fields on the conflict page, with the article field each one edits.
    ARTICLE_FIELDS = (
        "title", "body", "language", "byline", "photo_credit", "source", "source_url",
        "published_at",
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Detect automatically")), *Language.choices]
        self.fields["source"].queryset = Source.objects.order_by("name")

    @classmethod
    def initial_for(cls, article) -> dict:
        # A detected language shows as "detect automatically": only a person's choice is shown
        # as chosen, so saving the form does not lock a guess.
        return {name: getattr(article, name) for name in cls.ARTICLE_FIELDS} | {
            "language": article.language if article.language_locked else "",
            "version": article.version,
        }

    def changes(self) -> dict:
        """The cleaned values as ``article_update`` keyword arguments."""
        return {name: self.cleaned_data[name] for name in self.ARTICLE_FIELDS}


class TransitionForm(VersionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=10_000, widget=forms.Textarea
    )


class AssignForm(VersionForm):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )
    due_at = forms.DateTimeField(label=_("Due"), required=False, widget=DateTimeLocalInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


class CommentForm(forms.Form):
    """The length limit is the service's (``comment_add``), which words the message."""

    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("The comment is empty.")},
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def form_errors_text(form: forms.Form) -> str:
    """Every error of a bound, invalid form in one line, for a message or a refusal."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
