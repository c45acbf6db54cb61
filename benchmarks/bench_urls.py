"""The app's URLs plus two bare DRF endpoints serving the same rows as the API's article list
and detail, for the HTTP load benchmark's overhead ratio (benchmarks/bench_http.py).

Bare means: plain ModelSerializers over the same fields and the same tables, no
authentication, permissions, throttling, filtering, pagination class, ETag or visibility
rules; the list is the newest 50 articles (the API's page size and default order), the detail
one article with its mentions (and their entities), figures, dates and quotes."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from articles.models import Article
from entities.models import DateMention, Entity, Figure, Mention, Quote
from kzeditor.urls import urlpatterns as app_urlpatterns

LIST_FIELDS = [
    "id", "title", "language", "status", "source", "source_url", "published_at", "updated_at",
    "version", "extraction_state", "byline",
]  # fmt: skip
SPAN_FIELDS = ["id", "field", "start", "end", "text", "review_status"]


class BareArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = LIST_FIELDS


class BareEntitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["id", "name_kk", "name_ru", "name_en", "type", "wikidata_id"]


class BareMentionSerializer(serializers.ModelSerializer):
    entity = BareEntitySerializer(allow_null=True)
    suggested_entity = BareEntitySerializer(allow_null=True)

    class Meta:
        model = Mention
        fields = [*SPAN_FIELDS, "type", "entity", "suggested_entity", "method", "confidence"]


class BareFigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Figure
        fields = [*SPAN_FIELDS, "kind", "value", "unit"]


class BareDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = DateMention
        fields = [*SPAN_FIELDS, "value", "value_end", "time", "relative"]


class BareQuoteSerializer(serializers.ModelSerializer):
    speaker = BareEntitySerializer(allow_null=True)

    class Meta:
        model = Quote
        fields = [*SPAN_FIELDS, "speaker_text", "speaker"]


class BareArticleDetailSerializer(serializers.ModelSerializer):
    mentions = BareMentionSerializer(many=True)
    figures = BareFigureSerializer(many=True)
    dates = BareDateSerializer(many=True)
    quotes = BareQuoteSerializer(many=True)

    class Meta:
        model = Article
        fields = [
            *LIST_FIELDS, "body", "photo_credit", "due_at", "language_locked", "created_at",
            "extraction_error", "extracted_at", "mentions", "figures", "dates", "quotes",
        ]  # fmt: skip


class _Bare:
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    filter_backends: list = []
    pagination_class = None


class BareArticleList(_Bare, generics.ListAPIView):
    serializer_class = BareArticleSerializer

    def get_queryset(self):
        return Article.objects.only(*LIST_FIELDS).order_by("-id")[:50]


class BareArticleDetail(_Bare, generics.RetrieveAPIView):
    serializer_class = BareArticleDetailSerializer

    def get_queryset(self):
        ordered = ("field", "start", "end")
        return Article.objects.prefetch_related(
            Prefetch(
                "mentions",
                Mention.objects.select_related("entity", "suggested_entity").order_by(*ordered),
            ),
            Prefetch("figures", Figure.objects.order_by(*ordered)),
            Prefetch("dates", DateMention.objects.order_by(*ordered)),
            Prefetch("quotes", Quote.objects.select_related("speaker").order_by(*ordered)),
        )


urlpatterns = [
    path("bench/bare/articles/", BareArticleList.as_view(), name="bare-article-list"),
    path("bench/bare/articles/<int:pk>/", BareArticleDetail.as_view(), name="bare-article-detail"),
    *app_urlpatterns,
]
