"""JSON with a size limit: a body over KZEDITOR_API_MAX_JSON_BYTES is refused with 413 before it
is read (Django's DATA_UPLOAD_MAX_MEMORY_SIZE guards forms, not a streamed JSON body)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.parsers import JSONParser

from integrations.exceptions import PayloadTooLarge


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.KZEDITOR_API_MAX_JSON_BYTES
        request = (parser_context or {}).get("request")
        length = 0
        if request is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
        if length > limit:
            raise PayloadTooLarge(
                _("The JSON body is %(size)d bytes; the limit is %(limit)d.")
                % {"size": length, "limit": limit}
            )
        return super().parse(stream, media_type, parser_context)
