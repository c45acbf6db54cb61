"""Articles and import jobs in the integration API (/api/v1/articles/…, /api/v1/imports/…).

Thin like the browser's views: find what the user may see (``articles_visible_to``: 404
otherwise), ask the same permission functions as the browser (``can_edit_article``,
``can_assign``, the import permission), call one service, serialize. The services' errors map
to statuses centrally (integrations.errors). Decided here: a workflow step the role cannot take
is 403, one the article's status does not allow now is 409."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from articles.api.article_filters import ArticleFilter, ArticleOrdering, with_sort_keys
from articles.api.article_serializers import (
    ArticleAssignSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    ArticleTransitionSerializer,
    ArticleWriteSerializer,
    ImportFilesSerializer,
    ImportJobSerializer,
    ImportJobSummarySerializer,
    article_url,
)
from articles.collaboration import CommentError
from articles.deletion import article_delete, can_delete_article
from articles.import_jobs import (
    ImportJobError,
    ImportJobTooLarge,
    article_create_from_fields,
    import_job_check,
    import_job_create,
    import_jobs_visible_to,
)
from articles.models import Article, ImportBatch, ImportItem, Source
from articles.roles import acts_as
from articles.selectors import articles_visible_to
from articles.services import article_update, articles_extraction_requeue, source_get_or_create
from articles.translations.selectors import translations_visible_to
from articles.workflow import (
    STEPS,
    CommentRequired,
    StepNotAllowed,
    article_assign,
    article_transition,
    can_assign,
    can_edit_article,
)
from entities.selectors import document_spans
from integrations.conditional import if_match_version, with_etag
from integrations.exceptions import Conflict, PayloadTooLarge
from integrations.parsers import LimitedJSONParser
from integrations.throttling import ImportRateThrottle

ARTICLE_TAGS = ["articles"]
# What ArticleSerializer reads (the list's rows), plus what its orderings sort on.
LIST_COLUMNS = (
    *("id", "title", "language", "status", "source_url", "published_at", "created_at"),
    *("updated_at", "version", "extraction_state", "byline"),
    *("source__id", "source__name", "source__domain"),
)
IMPORT_TAGS = ["imports"]
ETAG_KIND = "article"

_IF_MATCH_REQUIRED = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    description='The ETag of your last GET, e.g. `"article-7-v3"` (`*`: any version).',
)
_IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        'Optional: the ETag of your last GET, e.g. `"article-7-v3"`; the step is refused (412) '
        "if the article changed since. Without it the step applies to the current version."
    ),
)

_ARTICLE_EXAMPLE = {
    "title": "Астанада жаңа мектеп ашылды",
    "body": "Бүгін Астанада 1200 орындық жаңа мектеп ашылды.\n\nҚұрылысқа 7,4 млрд теңге жұмсалды.",
    "language": "kk",
    "byline": "Айгүл Серікова",
    "source": {"name": "BAQ.KZ", "domain": "baq.kz"},
    "source_url": "https://baq.kz/news/1",
    "published_at": "2025-09-05T10:15:00+05:00",
}
_DETAIL_EXAMPLE = {
    "id": 7,
    "url": "https://desk.example.kz/api/v1/articles/7/",
    "title": "Астанада жаңа мектеп ашылды",
    "language": "kk",
    "status": "draft",
    "source": {"id": 3, "name": "BAQ.KZ", "domain": "baq.kz"},
    "source_url": "https://baq.kz/news/1",
    "published_at": "2025-09-05T10:15:00+05:00",
    "updated_at": "2025-09-05T10:20:03.512000+05:00",
    "version": 1,
    "extraction_state": "done",
    "byline": "Айгүл Серікова",
    "story": None,
    "body": "Бүгін Астанада 1200 орындық жаңа мектеп ашылды.\n\nҚұрылысқа 7,4 млрд теңге жұмсалды.",
    "paragraphs": [
        "Бүгін Астанада 1200 орындық жаңа мектеп ашылды.",
        "Құрылысқа 7,4 млрд теңге жұмсалды.",
    ],
    "photo_credit": "",
    "assignee": None,
    "due_at": None,
    "language_locked": True,
    "created_at": "2025-09-05T10:20:03.512000+05:00",
    "extraction": {"state": "done", "error": "", "extracted_at": "2025-09-05T10:20:05+05:00"},
    "mentions": [
        {
            "id": 41,
            "field": "body",
            "start": 6,
            "end": 14,
            "text": "Астанада",
            "review_status": "suggested",
            "type": "LOC",
            "entity": {
                "id": 2,
                "name": "Astana",
                "name_kk": "Астана",
                "name_ru": "Астана",
                "name_en": "Astana",
                "type": "LOC",
                "wikidata_id": "Q1520",
            },
            "suggested_entity": None,
            "method": "inflection",
            "confidence": 1.0,
        }
    ],
    "figures": [
        {
            "id": 5,
            "field": "body",
            "start": 11,
            "end": 30,
            "text": "7,4 млрд теңге",
            "review_status": "suggested",
            "kind": "money",
            "value": 7400000000,
            "unit": "KZT",
        }
    ],
    "dates": [],
    "quotes": [],
    "translations": [],
}


_ID = {"type": "integer", "minimum": 1}
_DATE_OR_TIME = (
    "A date (`2025-09-05`, read in the desk's time zone, Asia/Almaty) or an ISO 8601 date and "
    "time (`2025-09-05T10:00:00+05:00`)."
)
_LIST_PARAMETERS = [
    OpenApiParameter(
        "ordering",
        {
            "type": "string",
            "enum": ["id", "-id", "updated_at", "-updated_at", "published_at", "-published_at"],
        },
        description=(
            "Sort order (the id breaks ties): `-id` (default, newest first), `updated_at` for "
            "sync clients, `published_at` (undated articles at their creation time)."
        ),
    ),
    OpenApiParameter("source", _ID, description="A source's id: its articles."),
    OpenApiParameter(
        "entity", _ID, description="An entity's id: articles that mention it (not rejected)."
    ),
    OpenApiParameter("story", _ID, description="A story's id: its articles."),
    OpenApiParameter(
        "published_from",
        str,
        description=f"Published at or after (a date: from its start). {_DATE_OR_TIME}",
    ),
    OpenApiParameter(
        "published_to",
        str,
        description=f"Published at or before (a date: the whole day). {_DATE_OR_TIME}",
    ),
]


# -- helpers --------------------------------------------------------------------------------------


def _with_story(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.annotate(story_ref=F("story_membership__story_id"))


def _detail_queryset(user) -> QuerySet[Article]:
    translations = translations_visible_to(user).select_related(None).order_by("language", "id")
    return _with_story(articles_visible_to(user)).prefetch_related(
        Prefetch("translations", queryset=translations, to_attr="visible_translations")
    )


def _visible_article(request, pk: int) -> Article:
    return get_object_or_404(articles_visible_to(request.user), pk=pk)


def _detail_response(
    request, article_id: int, status_code: int = 200, headers: dict | None = None
) -> Response:
    """The article as ``GET …/{id}/`` shows it (read again after a write), with its ETag."""
    article = get_object_or_404(_detail_queryset(request.user), pk=article_id)
    article.spans = document_spans(owner=article)
    data = ArticleDetailSerializer(article, context={"request": request}).data
    response = Response(data, status=status_code, headers=headers)
    return with_etag(response, ETAG_KIND, article.pk, article.version)


def _source_of(validated: dict) -> tuple[bool, Source | None]:
    """Whether the request named a source, and which (``source`` found or created)."""
    if "source_id" in validated and validated["source_id"] is not None:
        return True, validated["source_id"]
    if validated.get("source"):
        given = validated["source"]
        return True, source_get_or_create(
            name=" ".join(given["name"].split()), domain=given.get("domain", "")
        )
    if "source_id" in validated or "source" in validated:
        return True, None  # null: no source
    return False, None


# -- the article list and creating ----------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="List articles",
        description=(
            "The articles this user may see (a translator: those they translate), newest first "
            "by default. Cursor-paged: follow `next` until it is null. For a sync client: "
            "`ordering=updated_at&updated_since=<time of your last pull>` walks every change "
            "once. `ordering=published_at` puts undated articles at their creation time."
        ),
        tags=ARTICLE_TAGS,
        parameters=_LIST_PARAMETERS,
        responses={200: ArticleSerializer(many=True)},
    ),
    post=extend_schema(
        summary="Create an article",
        description=(
            "Editors and admins. The language is detected when left out; extraction runs in "
            "the background (`extraction_state`). The same title and text as an existing "
            "article: 409 with `existing_id`."
        ),
        tags=ARTICLE_TAGS,
        request=ArticleWriteSerializer,
        responses={201: ArticleDetailSerializer},
        examples=[
            OpenApiExample("A new article", value=_ARTICLE_EXAMPLE, request_only=True),
            OpenApiExample(
                "Created", value=_DETAIL_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    ),
)
class ArticleListView(generics.ListCreateAPIView):
    serializer_class = ArticleSerializer
    parser_classes = [LimitedJSONParser]
    filter_backends = [DjangoFilterBackend, ArticleOrdering]
    filterset_class = ArticleFilter
    ordering = ["-id"]
    ordering_fields = ["id", "updated_at", "published_at"]

    def get_queryset(self) -> QuerySet[Article]:
        # The columns the list shows, and no assignee: every other column (and the assignee's
        # user row) was fetched and turned into Python values for nothing on each page (issue
        # 8, benchmarks/bench_http.py).
        articles = articles_visible_to(self.request.user).select_related(None)
        return with_sort_keys(_with_story(articles.select_related("source"))).only(*LIST_COLUMNS)

    def get_serializer_class(self):
        return ArticleWriteSerializer if self.request.method == "POST" else ArticleSerializer

    def create(self, request, *args, **kwargs) -> Response:
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied(_("Only editors and admins create articles."))
        serializer = ArticleWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = article_create_from_fields(
            fields=serializer.validated_data, created_by=request.user
        )
        return _detail_response(
            request,
            article.pk,
            status.HTTP_201_CREATED,
            {"Location": article_url(request, article.pk)},
        )


# -- one article ----------------------------------------------------------------------------------

_WRITE_DESCRIPTION = (
    "Editors and reviewers (not on archived articles). Send `If-Match` with the ETag of your "
    "last GET: 428 without it, 412 when someone saved since (fetch again and redo the change). "
    "The status changes only through the workflow endpoints; the assignee through `assign/`. "
    "A changed title or text is extracted again."
)


@extend_schema_view(
    get=extend_schema(
        summary="Get an article",
        description=(
            "With its text, what extraction found (mentions, figures, dates, quotes; rejected "
            "spans included, marked by `review_status`) and its translations. The `ETag` "
            "header carries the version: send it back in `If-Match` to change the article."
        ),
        tags=ARTICLE_TAGS,
        responses={200: ArticleDetailSerializer},
        examples=[OpenApiExample("An article", value=_DETAIL_EXAMPLE, response_only=True)],
    ),
    patch=extend_schema(
        summary="Change some fields of an article",
        description=_WRITE_DESCRIPTION,
        tags=ARTICLE_TAGS,
        parameters=[_IF_MATCH_REQUIRED],
        request=ArticleWriteSerializer(partial=True),
        responses={200: ArticleDetailSerializer},
        examples=[
            OpenApiExample(
                "A corrected title and publication time",
                value={
                    "title": "Астанада жаңа мектеп ашылды",
                    "published_at": "2025-09-05T11:00:00+05:00",
                },
                request_only=True,
            )
        ],
    ),
    put=extend_schema(
        summary="Replace an article's editable fields",
        description=(
            f"{_WRITE_DESCRIPTION} Fields left out are emptied (`language` left out: detected)."
        ),
        tags=ARTICLE_TAGS,
        parameters=[_IF_MATCH_REQUIRED],
        request=ArticleWriteSerializer,
        responses={200: ArticleDetailSerializer},
        examples=[OpenApiExample("The whole article", value=_ARTICLE_EXAMPLE, request_only=True)],
    ),
    delete=extend_schema(
        summary="Delete an article",
        description=(
            "Admins only (the desk archives instead), with `If-Match`: the article, its "
            "translations, spans and comments are deleted."
        ),
        tags=ARTICLE_TAGS,
        parameters=[_IF_MATCH_REQUIRED],
        responses={204: OpenApiResponse(description="Deleted.")},
    ),
)
class ArticleDetailView(generics.GenericAPIView):
    serializer_class = ArticleDetailSerializer
    parser_classes = [LimitedJSONParser]
    queryset = Article.objects.none()  # the schema's path types; reads use the selectors
    filter_backends: list = []
    pagination_class = None

    def get(self, request, pk: int) -> Response:
        return _detail_response(request, pk)

    def patch(self, request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    def put(self, request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    def delete(self, request, pk: int) -> Response:
        article = _visible_article(request, pk)
        if not can_delete_article(request.user):
            raise PermissionDenied(_("Only admins delete articles; archive it instead."))
        expected = if_match_version(request, kind=ETAG_KIND, pk=article.pk, current=article.version)
        try:
            article_delete(article_id=article.pk, expected_version=expected, user=request.user)
        except Article.DoesNotExist:
            raise NotFound(_("Not found.")) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, pk: int, *, partial: bool) -> Response:
        article = _visible_article(request, pk)
        if not can_edit_article(request.user, article):
            raise PermissionDenied(_("You may not edit this article."))
        expected = if_match_version(request, kind=ETAG_KIND, pk=article.pk, current=article.version)
        serializer = ArticleWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        validated = serializer.validated_data
        changes = {
            name: validated[name]
            for name in ("title", "body", "byline", "photo_credit", "source_url", "published_at")
            if name in validated
        }
        if not partial:  # PUT: what is left out is emptied
            for name in ("byline", "photo_credit", "source_url"):
                changes.setdefault(name, "")
            changes.setdefault("published_at", None)
        language = validated.get("language", None if partial else "")
        unlocks = False
        # Empty while still «detect automatically»: keep what was detected.
        if language is not None and (language or article.language_locked):
            changes["language"] = language
            unlocks = not language
        # One transaction: a source created for a change that is then refused goes with it.
        with transaction.atomic():
            named, source = _source_of(validated)
            if named or not partial:
                changes["source"] = source
            saved = article_update(
                article_id=article.pk,
                expected_version=expected,
                updated_by=request.user,
                change_reason="api",
                **changes,
            )
        text_changed = (saved.title, saved.body) != (article.title, article.body)
        if unlocks and not text_changed:
            # Back to «detect automatically»: detection runs with the extraction.
            articles_extraction_requeue(article_ids=[saved.pk])
        return _detail_response(request, saved.pk)


# -- workflow -------------------------------------------------------------------------------------


class _ArticleStepView(generics.GenericAPIView):
    """One workflow step of one article (``step_name``)."""

    step_name = ""
    serializer_class = ArticleTransitionSerializer
    parser_classes = [LimitedJSONParser]
    queryset = Article.objects.none()
    filter_backends: list = []
    pagination_class = None

    def post(self, request, pk: int) -> Response:
        article = _visible_article(request, pk)
        step = STEPS[self.step_name]
        if not acts_as(request.user, step.roles):
            raise PermissionDenied(_("Your role cannot do «%(step)s».") % {"step": step.label})
        expected = article.version
        if request.headers.get("If-Match", "").strip():
            expected = if_match_version(
                request, kind=ETAG_KIND, pk=article.pk, current=article.version
            )
        serializer = ArticleTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = serializer.validated_data["comment"].strip()
        if step.comment_required and not comment:
            raise ValidationError(
                {"comment": [_("Say why: «%(step)s» needs a comment.") % {"step": step.label}]}
            )
        try:
            saved = article_transition(
                article_id=article.pk,
                step_name=step.name,
                user=request.user,
                expected_version=expected,
                comment=comment,
            )
        except StepNotAllowed as exc:
            # The role may take this step (checked above): the article's status does not allow
            # it now.
            raise Conflict(str(exc)) from None
        except (CommentRequired, CommentError) as exc:
            raise ValidationError({"comment": [str(exc)]}) from None
        return _detail_response(request, saved.pk)


_STEP_DOCS = {
    "submit": ("Submit an article for review", "Editors: draft → in review."),
    "approve": ("Approve an article", "Reviewers: in review → approved."),
    "publish": ("Publish an article", "Editors: approved → published."),
    "return": (
        "Return an article to draft",
        "Reviewers: in review or approved → draft. `comment` is required (why).",
    ),
    "unpublish": (
        "Unpublish an article",
        "Editors: published → draft. `comment` is required (why).",
    ),
    "archive": ("Archive an article", "Editors: any status but archived → archived."),
    "restore": ("Restore an archived article", "Editors: archived → draft."),
}


def _step_view(step_name: str) -> type[_ArticleStepView]:
    summary, description = _STEP_DOCS[step_name]
    view = type(
        f"Article{step_name.capitalize()}View", (_ArticleStepView,), {"step_name": step_name}
    )
    return extend_schema(
        methods=["POST"],
        summary=summary,
        description=(
            f"{description} A role that cannot take the step: 403; a step the article's "
            "status does not allow now: 409. The comment, if any, is posted on the article. "
            "Returns the article with its new ETag."
        ),
        tags=ARTICLE_TAGS,
        parameters=[_IF_MATCH_OPTIONAL],
        request=ArticleTransitionSerializer,
        responses={200: ArticleDetailSerializer},
        examples=[
            OpenApiExample(
                "With a comment",
                value={"comment": "Please check the figures in the second paragraph."},
                request_only=True,
            )
        ],
    )(view)


STEP_VIEWS = {name: _step_view(name) for name in _STEP_DOCS}


@extend_schema(
    methods=["POST"],
    summary="Assign an article",
    description=(
        "Editors: give the article to an editor or reviewer (or to nobody: null) with a due "
        "date; they are told on their dashboard. `If-Match` is optional, as for workflow steps."
    ),
    tags=ARTICLE_TAGS,
    parameters=[_IF_MATCH_OPTIONAL],
    request=ArticleAssignSerializer,
    responses={200: ArticleDetailSerializer},
    examples=[
        OpenApiExample(
            "To a reviewer, due Friday",
            value={"assignee": "aigul", "due_at": "2025-09-12T18:00:00+05:00"},
            request_only=True,
        )
    ],
)
class ArticleAssignView(generics.GenericAPIView):
    serializer_class = ArticleAssignSerializer
    parser_classes = [LimitedJSONParser]
    queryset = Article.objects.none()
    filter_backends: list = []
    pagination_class = None

    def post(self, request, pk: int) -> Response:
        article = _visible_article(request, pk)
        if not can_assign(request.user):
            raise PermissionDenied(_("Only editors assign articles."))
        expected = article.version
        if request.headers.get("If-Match", "").strip():
            expected = if_match_version(
                request, kind=ETAG_KIND, pk=article.pk, current=article.version
            )
        serializer = ArticleAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = article_assign(
            article_id=article.pk,
            expected_version=expected,
            assignee=serializer.validated_data["assignee"],
            due_at=serializer.validated_data["due_at"],
            user=request.user,
        )
        return _detail_response(request, saved.pk)


# -- imports --------------------------------------------------------------------------------------

_IMPORT_JOB_EXAMPLE = {
    "id": 12,
    "url": "https://desk.example.kz/api/v1/imports/12/",
    "state": "finished",
    "created_at": "2025-09-05T10:20:00+05:00",
    "finished_at": "2025-09-05T10:20:02+05:00",
    "counts": {"imported": 1, "duplicate": 1, "failed": 0},
    "extraction": {"pending": 0, "running": 0, "done": 1, "failed": 0, "total": 1},
    "error": "",
    "items": [
        {
            "filename": "news.zip/001.txt",
            "outcome": "imported",
            "message": "Imported as #7.",
            "warnings": ["Decoded from cp1251."],
            "article": {
                "id": 7,
                "url": "https://desk.example.kz/api/v1/articles/7/",
                "extraction_state": "done",
            },
        },
        {
            "filename": "news.zip/002.txt",
            "outcome": "duplicate",
            "message": "The same text is already article #3 «…».",
            "warnings": [],
            "article": {
                "id": 3,
                "url": "https://desk.example.kz/api/v1/articles/3/",
                "extraction_state": "done",
            },
        },
    ],
}


def _job_queryset(user) -> QuerySet[ImportBatch]:
    items = ImportItem.objects.select_related("article").only(
        "batch_id", "filename", "outcome", "message", "warnings", "article__id",
        "article__extraction_state",
    )  # fmt: skip
    return import_jobs_visible_to(user).prefetch_related(
        Prefetch("items", queryset=items.order_by("id"), to_attr="job_items")
    )


def _uploaded(request) -> list[tuple[str, bytes]]:
    serializer = ImportFilesSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    uploads = serializer.validated_data["files"]
    # Sizes first: an oversize upload is refused before it is read.
    import_job_check(sizes=[(upload.name, upload.size) for upload in uploads])
    files = []
    for upload in uploads:
        files.append((upload.name, upload.read()))
        upload.close()
    return files


def _json_articles(request) -> list[dict]:
    data = request.data
    if isinstance(data, dict):
        serializer = ArticleWriteSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return [dict(serializer.validated_data)]
    if not isinstance(data, list) or not data or not all(isinstance(e, dict) for e in data):
        raise ValidationError(
            {"non_field_errors": [_("Send an article as a JSON object, or a list of them.")]}
        )
    import_job_check(sizes=[(f"#{n + 1}", 1) for n in range(len(data))])
    serializer = ArticleWriteSerializer(data=data, many=True)
    serializer.is_valid(raise_exception=True)
    return [dict(entry) for entry in serializer.validated_data]


@extend_schema_view(
    get=extend_schema(
        summary="List import jobs",
        description="Your own import jobs (admins: everyone's), newest first.",
        tags=IMPORT_TAGS,
        responses={200: ImportJobSummarySerializer(many=True)},
    ),
    post=extend_schema(
        summary="Import articles",
        description=(
            "Editors and admins, with a key that has the `import` scope. Either `multipart/"
            "form-data` with one or more `files` (.txt in any common encoding, or .zip archives "
            "of them), or JSON: one article object, or a list of them. The import runs in the "
            "background: the answer is `202 Accepted` with the job (`Location`: poll it until "
            "`state` is `finished` or `failed`). Each file's result is an item of the job: "
            "a file that cannot be read or parsed, or a duplicate, does not stop the others. "
            "Refused at once: no files, an empty file (400), too many files or a file over the "
            "size limit (413), an article without title or text (400)."
        ),
        tags=IMPORT_TAGS,
        request={
            "multipart/form-data": ImportFilesSerializer,
            "application/json": ArticleWriteSerializer,
        },
        responses={202: ImportJobSerializer},
        examples=[
            OpenApiExample("One article as JSON", value=_ARTICLE_EXAMPLE, request_only=True),
            OpenApiExample(
                "Several articles as JSON",
                value=[
                    {"title": "Бірінші жаңалық", "body": "Мәтін.", "language": "kk"},
                    {"title": "Вторая новость", "body": "Текст.", "language": "ru"},
                ],
                request_only=True,
            ),
            OpenApiExample(
                "Queued",
                value={
                    **_IMPORT_JOB_EXAMPLE,
                    "state": "queued",
                    "finished_at": None,
                    "counts": {"imported": 0, "duplicate": 0, "failed": 0},
                    "extraction": {"pending": 0, "running": 0, "done": 0, "failed": 0, "total": 0},
                    "items": [],
                },
                response_only=True,
                status_codes=["202"],
            ),
        ],
    ),
)
class ImportListView(generics.ListCreateAPIView):
    serializer_class = ImportJobSummarySerializer
    parser_classes = [LimitedJSONParser, MultiPartParser]
    scope_by_method = {"POST": "import"}
    scope_also_allows = {"GET": ("import",)}
    filter_backends = [ArticleOrdering]
    ordering = ["-id"]
    ordering_fields = ["id"]

    def get_throttles(self):
        # The default throttles, and the smaller budget of imports.
        return [*super().get_throttles(), ImportRateThrottle()]

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return import_jobs_visible_to(self.request.user)

    def get_serializer_class(self):
        return ImportJobSerializer if self.request.method == "POST" else ImportJobSummarySerializer

    def create(self, request, *args, **kwargs) -> Response:
        if not request.user.has_perm("articles.import_articles"):
            raise PermissionDenied(_("Only editors and admins import articles."))
        try:
            if request.content_type.startswith("multipart/"):
                batch = import_job_create(files=_uploaded(request), user=request.user)
            else:
                batch = import_job_create(articles=_json_articles(request), user=request.user)
        except ImportJobTooLarge as exc:
            raise PayloadTooLarge(str(exc)) from None
        except ImportJobError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        job = _job_queryset(request.user).get(pk=batch.pk)
        data = ImportJobSerializer(job, context={"request": request}).data
        location = request.build_absolute_uri(reverse("api:import-detail", args=[batch.pk]))
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


@extend_schema_view(
    get=extend_schema(
        summary="Get an import job",
        description=(
            "Where the job is (`queued`, `running`, `finished`, `failed` with `error`), each "
            "file's result, and how far extraction has got with the articles it imported."
        ),
        tags=IMPORT_TAGS,
        responses={200: ImportJobSerializer},
        examples=[OpenApiExample("Finished", value=_IMPORT_JOB_EXAMPLE, response_only=True)],
    )
)
class ImportDetailView(generics.RetrieveAPIView):
    serializer_class = ImportJobSerializer
    scope_also_allows = {"GET": ("import",)}
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return _job_queryset(self.request.user)
