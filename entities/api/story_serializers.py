"""Stories in the API: the list's filters and rows, and one story with its articles, the
languages it is told in, its translations, its most named entities and its timeline. The
views read with ``entities.stories.selectors`` and hand these serializers plain values."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from articles.models import Language, TranslationStatus
from entities.models import EntityType
from entities.stories.forms import NO, YES
from integrations.fields import MAX_ID

LANGUAGE_CHOICES = Language.choices


class LanguageListField(serializers.ListField):
    """Language codes (kk, ru, en) in that order. Plain strings in the schema: one enum under
    several field names makes drf-spectacular warn."""

    child = serializers.CharField()


class StoryFilterSerializer(serializers.Serializer):
    """The story list's filters (the browser's story list has the same ones)."""

    language_present = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text="Stories with an article in this language, or translated into it.",
    )
    language_missing = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text="Stories with neither an article nor a translation in this language.",
    )
    source = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="A source's id."
    )
    published_from = serializers.DateField(
        required=False, help_text="Stories with articles published on or after this day."
    )
    published_to = serializers.DateField(
        required=False, help_text="Stories with articles published on or before this day."
    )
    confirmed = serializers.ChoiceField(
        choices=[YES, NO], required=False, help_text="Confirmed by an editor, or not."
    )


class StorySourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StoryBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="This story in the API.")
    web_url = serializers.URLField(help_text="The story's page on the desk.")
    title = serializers.CharField()
    confirmed = serializers.BooleanField(
        help_text="An editor confirmed the story: clustering keeps its articles together."
    )
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_by = serializers.CharField(allow_null=True, help_text="A username.")
    article_count = serializers.IntegerField()
    first_published_at = serializers.DateTimeField(allow_null=True)
    last_published_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    languages = LanguageListField(help_text="Languages of its articles.")
    translated = LanguageListField(
        help_text="Languages it reaches only through translations (at any stage)."
    )


class StoryListItemSerializer(StoryBaseSerializer):
    sources = serializers.ListField(child=serializers.CharField(), help_text="Source names.")


class StoryArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The article in the API.")
    web_url = serializers.URLField(help_text="The article's page on the desk.")
    title = serializers.CharField()
    language = serializers.CharField(help_text="kk, ru, en, or empty while not known.")
    source = StorySourceSerializer(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    pinned = serializers.BooleanField(help_text="Placed by an editor: clustering never moves it.")
    score = serializers.FloatField(
        allow_null=True, help_text="Similarity to the story when clustering placed it."
    )


class StoryTranslationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The translation in the API.")
    article = serializers.IntegerField()
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES)
    status = serializers.ChoiceField(choices=TranslationStatus.choices)
    title = serializers.CharField(allow_blank=True)


class StoryEntitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=EntityType.choices)
    name = serializers.CharField()
    name_kk = serializers.CharField(allow_blank=True)
    name_ru = serializers.CharField(allow_blank=True)
    name_en = serializers.CharField(allow_blank=True)
    article_count = serializers.IntegerField(help_text="Articles of the story naming it.")
    mention_count = serializers.IntegerField()


class StoryTimelinePointSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    position = serializers.FloatField(
        help_text="0–100: where on the story's span (first to last article) it was published."
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A story in two languages",
            value={
                "id": 17,
                "url": "https://desk.example.kz/api/v1/stories/17/",
                "web_url": "https://desk.example.kz/entities/stories/17/",
                "title": "Тоқаев Астанада инвесторлармен кездесті",
                "confirmed": False,
                "confirmed_at": None,
                "confirmed_by": None,
                "article_count": 2,
                "first_published_at": "2025-09-05T09:10:00Z",
                "last_published_at": "2025-09-05T14:52:00Z",
                "created_at": "2025-09-05T09:11:02Z",
                "updated_at": "2025-09-05T14:53:10Z",
                "languages": ["kk", "ru"],
                "translated": ["en"],
                "missing": [],
                "articles": [
                    {
                        "id": 41,
                        "url": "https://desk.example.kz/api/v1/articles/41/",
                        "web_url": "https://desk.example.kz/articles/41/",
                        "title": "Тоқаев инвесторлармен кездесті",
                        "language": "kk",
                        "source": {"id": 2, "name": "Egemen Qazaqstan"},
                        "published_at": "2025-09-05T09:10:00Z",
                        "status": "published",
                        "pinned": False,
                        "score": None,
                    }
                ],
                "translations": [
                    {
                        "id": 9,
                        "url": "https://desk.example.kz/api/v1/translations/9/",
                        "article": 41,
                        "language": "en",
                        "status": "in_progress",
                        "title": "Tokayev meets investors",
                    }
                ],
                "entities": [
                    {
                        "id": 3,
                        "type": "PER",
                        "name": "Kassym-Jomart Tokayev",
                        "name_kk": "Қасым-Жомарт Тоқаев",
                        "name_ru": "Касым-Жомарт Токаев",
                        "name_en": "Kassym-Jomart Tokayev",
                        "article_count": 2,
                        "mention_count": 5,
                    }
                ],
                "timeline": [
                    {"article": 41, "published_at": "2025-09-05T09:10:00Z", "position": 0.0}
                ],
            },
            response_only=True,
        )
    ]
)
class StoryDetailSerializer(StoryBaseSerializer):
    missing = LanguageListField(help_text="Languages with neither an article nor a translation.")
    articles = StoryArticleSerializer(
        many=True, help_text="The articles the caller may see, oldest first."
    )
    translations = StoryTranslationSerializer(many=True)
    entities = StoryEntitySerializer(
        many=True, help_text="Entities named in the most articles of the story first."
    )
    timeline = StoryTimelinePointSerializer(many=True, help_text="The dated articles in order.")
