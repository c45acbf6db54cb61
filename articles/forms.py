from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("Plain-text articles (.txt) or .zip archives of them. Several at once."),
        widget=MultipleFileInput(attrs={"accept": ".txt,.zip,text/plain,application/zip"}),
    )
