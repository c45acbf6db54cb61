"""Translation memory: normalisation, sentence splitting, storing approved translations,
exact and fuzzy matching (constant queries), the seed file and the trigram migration."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import MemoryUnit, TranslationMemoryEntry, TranslationSegment
from articles.parsing import parse_article_text
from articles.tests.factories import ArticleFactory, TranslationFactory
from articles.translations.memory import (
    SEED_PATH,
    TRIGRAM_LENGTH_BUCKETS,
    MemorySeedError,
    memory_hash,
    memory_matches,
    memory_normalise,
    memory_seed_load,
    memory_store_translation,
    sentences_split,
)
from conftest import require_service

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# -- normalisation -----------------------------------------------------------------------------


def test_normalise_folds_form_case_space_and_quotes():
    decomposed = "И\u0306гілік  «Лу\u00a0Бань»\n— “Жоба”"  # Й as И + combining breve
    assert memory_normalise(decomposed) == 'йгілік "лу бань" - "жоба"'
    assert memory_normalise('  Сапар "Лу Бань"  ') == memory_normalise("сапар «ЛУ БАНЬ»")


def test_hash_equal_for_variants_and_different_for_other_text():
    assert memory_hash("Сапар «Лу Бань»") == memory_hash("сапар  “Лу Бань”")
    assert memory_hash("Сапар «Лу Бань»") != memory_hash("Сапар «Лу Бань» шеберханасы")
    assert len(memory_hash("x")) == 64


# -- sentences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "kk",
            "Қ.-Ж. Тоқаев т.б. мәселелерді талқылады. Инвестиция 3,1 млрд. долларды құрады. "
            "Келесі сөйлем.",
            [
                "Қ.-Ж. Тоқаев т.б. мәселелерді талқылады.",
                "Инвестиция 3,1 млрд. долларды құрады.",
                "Келесі сөйлем.",
            ],
        ),
        (
            "kk",
            "Ол 2025 ж. 1 қыркүйекте келді. Сосын Астанаға оралды.",
            ["Ол 2025 ж. 1 қыркүйекте келді.", "Сосын Астанаға оралды."],
        ),
        (
            "kk",
            "Сарапшы: «Бұл маңызды. Біз дайынбыз», – деді. Келесі сөйлем.",
            ["Сарапшы: «Бұл маңызды. Біз дайынбыз», – деді.", "Келесі сөйлем."],
        ),
        (
            "ru",
            "В г. Астане прошла встреча. Рост ВВП составил 3.1%. "
            "Президент К.-Ж. Токаев заявил: «Это важно». Далее.",
            [
                "В г. Астане прошла встреча.",
                "Рост ВВП составил 3.1%.",
                "Президент К.-Ж. Токаев заявил: «Это важно».",
                "Далее.",
            ],
        ),
        (
            "ru",
            "Вложено 7,4 млрд. долларов, т.е. больше плана. Строительство начато.",
            ["Вложено 7,4 млрд. долларов, т.е. больше плана.", "Строительство начато."],
        ),
        (
            "en",
            'Mr. Tokayev met Xi Jinping. He said: "It is fine. We are ready." Then he left.',
            [
                "Mr. Tokayev met Xi Jinping.",
                'He said: "It is fine. We are ready."',
                "Then he left.",
            ],
        ),
    ],
)
def test_sentences_split(language, text, expected):
    assert sentences_split(text, language) == expected


def test_sentences_split_empty():
    assert sentences_split("   ", "kk") == []


# -- storing -----------------------------------------------------------------------------------


def _translation(segments: list[tuple[str, str, str, str]], *, language="ru"):
    """A kk article's translation with segments (field, status, source, target)."""
    article = ArticleFactory(
        language="kk",
        title=segments[0][2],
        body="\n\n".join(s[2] for s in segments if s[0] == "body"),
    )
    translation = TranslationFactory(article=article, language=language, status="approved")
    TranslationSegment.objects.bulk_create(
        TranslationSegment(
            translation=translation,
            position=position,
            field=field,
            source_text=source,
            target_text=target,
            status=status,
        )
        for position, (field, status, source, target) in enumerate(segments)
    )
    return translation


TITLE = ("title", "done", "Тоқаев Қытайға барды", "Токаев посетил Китай")
TWO_SENTENCES = (
    "body",
    "done",
    "Мемлекет басшысы Ақордада Премьер-министрді қабылдады. Кездесуде бюджет талқыланды.",
    "Глава государства принял в Акорде Премьер-министра. На встрече обсужден бюджет.",
)
UNEVEN = (
    "body",
    "done",
    "Президент сөз сөйледі. Ол инвестиция туралы айтты.",
    "Президент выступил с речью об инвестициях.",
)
DRAFT = ("body", "draft", "Бұл әлі аяқталмаған абзац.", "Это еще не законченный абзац.")
COPIED = ("body", "done", "BAQ.KZ", "BAQ.KZ")


@pytest.mark.django_db
def test_store_translation_paragraphs_and_sentences(translator):
    translation = _translation([TITLE, TWO_SENTENCES, UNEVEN, DRAFT, COPIED])

    created = memory_store_translation(translation=translation, user=translator)

    stored = {
        (e.unit, e.source_text, e.target_text)
        for e in TranslationMemoryEntry.objects.filter(translation=translation)
    }
    assert stored == {
        ("paragraph", TITLE[2], TITLE[3]),
        ("paragraph", TWO_SENTENCES[2], TWO_SENTENCES[3]),
        ("sentence", "Мемлекет басшысы Ақордада Премьер-министрді қабылдады.",
         "Глава государства принял в Акорде Премьер-министра."),
        ("sentence", "Кездесуде бюджет талқыланды.", "На встрече обсужден бюджет."),
        ("paragraph", UNEVEN[2], UNEVEN[3]),  # 2 vs 1 sentences: no sentence entries
    }  # fmt: skip
    assert created == 5
    entry = TranslationMemoryEntry.objects.filter(translation=translation).first()
    assert (entry.source_language, entry.target_language) == ("kk", "ru")
    assert entry.created_by == translator
    assert entry.source_hash == memory_hash(entry.source_text)
    assert entry.target_hash == memory_hash(entry.target_text)


@pytest.mark.django_db
def test_store_translation_is_idempotent(translator):
    translation = _translation([TITLE, TWO_SENTENCES])
    assert memory_store_translation(translation=translation, user=translator) == 4
    assert memory_store_translation(translation=translation, user=translator) == 0
    assert TranslationMemoryEntry.objects.count() == 4


@pytest.mark.django_db
def test_store_translation_split_paragraphs_pair_up(translator):
    merged = ("body", "done", "Бірінші абзац.\n\nЕкінші абзац.", "Первый абзац.\n\nВторой абзац.")
    uneven = ("body", "done", "Үшінші абзац.\n\nТөртінші абзац.", "Третий и четвертый абзацы.")
    translation = _translation([TITLE, merged, uneven])
    memory_store_translation(translation=translation, user=None)
    pairs = set(TranslationMemoryEntry.objects.values_list("source_text", "target_text"))
    assert ("Бірінші абзац.", "Первый абзац.") in pairs
    assert ("Екінші абзац.", "Второй абзац.") in pairs
    assert ("Үшінші абзац.\n\nТөртінші абзац.", "Третий и четвертый абзацы.") in pairs


@pytest.mark.django_db
def test_store_translation_queries_are_constant(translator, django_assert_num_queries):
    small = _translation([TITLE, TWO_SENTENCES])
    big = _translation([TITLE, TWO_SENTENCES] + [UNEVEN] * 1, language="en")
    for translation in (small, big):
        translation.article  # noqa: B018 - loaded by the caller in the approve service
        # segments, pairs already stored, insert
        with django_assert_num_queries(3):
            assert memory_store_translation(translation=translation, user=translator) > 0


# -- matching ----------------------------------------------------------------------------------

OLD = (
    "Қытайдың Қазақстан экономикасына құйған инвестициясы $25 млрд-тан асып, 5 мыңнан астам "
    "бірлескен кәсіпорын жұмыс істеп тұр."
)
OLD_RU = (
    "Китайские инвестиции в экономику Казахстана превысили $25 млрд, работают более 5 тысяч "
    "совместных предприятий."
)
NEW = OLD.replace("$25", "$27").replace("5 мыңнан", "6 мыңнан")
UNRELATED = "Астанада халықаралық кітап көрмесі ашылды, оған отыз елдің баспалары қатысуда."


def _entry(source, target, *, unit="paragraph", source_language="kk", target_language="ru", **kw):
    return TranslationMemoryEntry.objects.create(
        source_language=source_language,
        target_language=target_language,
        unit=unit,
        source_text=source,
        target_text=target,
        source_hash=memory_hash(source),
        target_hash=memory_hash(target),
        **kw,
    )


@pytest.mark.django_db
def test_exact_match_scores_100_despite_quotes_and_case():
    entry = _entry("Сапар «Лу Бань» шеберханасын ашумен аяқталды.", "Визит завершился.")
    [match] = memory_matches(
        source_text="сапар “Лу Бань” шеберханасын  ашумен аяқталды.",
        source_language="kk",
        target_language="ru",
    )
    assert (match.entry_id, match.score, match.exact) == (entry.pk, 100, True)
    assert match.target_text == "Визит завершился."


@pytest.mark.django_db
def test_fuzzy_match_with_score_and_diff_of_old_source_against_new():
    entry = _entry(OLD, OLD_RU)
    _entry(UNRELATED, "В Астане открылась международная книжная выставка.")

    [match] = memory_matches(source_text=NEW, source_language="kk", target_language="ru")

    assert match.entry_id == entry.pk
    assert 80 <= match.score <= 99
    assert match.unit == "paragraph"
    assert match.matched_text == NEW
    assert "$<del>25</del><ins>27</ins> млрд" in match.diff_html
    assert "<del>5</del><ins>6</ins> мыңнан" in match.diff_html


@pytest.mark.django_db
def test_exact_before_fuzzy_best_first_and_limited():
    fuzzy_far = _entry(NEW.replace("жұмыс істеп тұр", "жұмыс істейді"), "далёкий")
    fuzzy_near = _entry(OLD, OLD_RU)
    exact = _entry(NEW, "точный перевод")
    found = memory_matches(source_text=NEW, source_language="kk", target_language="ru")
    assert (found[0].entry_id, found[0].score) == (exact.pk, 100)
    assert {m.entry_id for m in found[1:]} == {fuzzy_near.pk, fuzzy_far.pk}
    assert 100 > found[1].score >= found[2].score >= 70
    limited = memory_matches(source_text=NEW, source_language="kk", target_language="ru", limit=1)
    assert [m.entry_id for m in limited] == [exact.pk]


@pytest.mark.django_db
def test_min_score_and_language_pair_filter():
    _entry(OLD, OLD_RU)
    _entry(OLD, "Chinese investment exceeded $25 billion.", target_language="en")
    [match] = memory_matches(source_text=NEW, source_language="kk", target_language="ru")
    assert memory_matches(
        source_text=NEW, source_language="kk", target_language="ru", min_score=match.score
    )
    assert not memory_matches(
        source_text=NEW, source_language="kk", target_language="ru", min_score=match.score + 1
    )
    assert not memory_matches(
        source_text=NEW, source_language="kk", target_language="ru", min_score=100
    )
    [en] = memory_matches(source_text=NEW, source_language="kk", target_language="en")
    assert en.target_text.startswith("Chinese")
    assert not memory_matches(source_text=NEW, source_language="ru", target_language="kk")
    assert not memory_matches(source_text=UNRELATED, source_language="kk", target_language="ru")
    assert memory_matches(source_text="  ", source_language="kk", target_language="ru") == []


@pytest.mark.django_db
def test_match_names_its_translation_and_article(translator):
    translation = _translation([TITLE, TWO_SENTENCES])
    memory_store_translation(translation=translation, user=translator)
    [match] = memory_matches(source_text=TITLE[2], source_language="kk", target_language="ru")
    assert match.translation_id == translation.pk
    assert match.article_title == translation.article.title
    assert match.created_at is not None


@pytest.mark.django_db
def test_sentence_matches_when_the_paragraph_has_none():
    first = "Мемлекет басшысы Ақордада Премьер-министрді қабылдады."
    second = "Кездесуде елдің әлеуметтік-экономикалық дамуының өзекті мәселелері талқыланды."
    exact = _entry(first, "Глава государства принял в Акорде Премьер-министра.", unit="sentence")
    near = _entry(
        second.replace("өзекті", "негізгі"),
        "На встрече обсуждены основные вопросы социально-экономического развития страны.",
        unit="sentence",
    )
    paragraph = f"{first} {second} Бұл туралы Ақорданың баспасөз қызметі хабарлады."

    found = memory_matches(source_text=paragraph, source_language="kk", target_language="ru")

    assert [(m.entry_id, m.unit, m.matched_text) for m in found] == [
        (exact.pk, "sentence", first),
        (near.pk, "sentence", second),
    ]
    assert found[0].score == 100
    assert 80 <= found[1].score < 100
    assert "<del>негізгі</del>" in found[1].diff_html


@pytest.mark.django_db
def test_paragraph_match_takes_precedence_over_sentences():
    first = "Мемлекет басшысы Ақордада Премьер-министрді қабылдады."
    paragraph = f"{first} Кездесуде бюджет талқыланды."
    _entry(first, "Глава государства принял в Акорде Премьер-министра.", unit="sentence")
    whole = _entry(paragraph, "Глава государства принял Премьер-министра. Обсужден бюджет.")
    found = memory_matches(source_text=paragraph, source_language="kk", target_language="ru")
    # The sentence entry still scores as a (partial) paragraph match, but no sentence lookup
    # is made: every match is against the whole paragraph.
    assert [(m.entry_id, m.score) for m in found][:1] == [(whole.pk, 100)]
    assert {(m.unit, m.matched_text) for m in found[1:]} <= {("sentence", paragraph)}
    assert {m.matched_text for m in found} == {paragraph}


@pytest.mark.django_db
@pytest.mark.parametrize("entries", [3, 60])
def test_matches_queries_are_constant(entries, django_assert_num_queries):
    for n in range(entries):
        _entry(NEW.replace("кәсіпорын", f"кәсіпорын {n}"), f"перевод {n}")
    _entry(NEW, "точный")
    # exact, fuzzy candidates, the chosen fuzzy rows (+ the trigram threshold on PostgreSQL)
    postgresql = connection.vendor == "postgresql"
    with django_assert_num_queries(3 + postgresql):
        found = memory_matches(source_text=NEW, source_language="kk", target_language="ru")
    assert [m.score for m in found][:1] == [100]
    assert len(found) == 3

    press = "Бұл туралы министрліктің баспасөз қызметі хабарлады."
    _entry(press, "Об этом сообщила пресс-служба министерства.", unit="sentence")
    paragraph = f"{UNRELATED} {press} {UNRELATED}"
    # the paragraph (exact, candidates: nothing), then all its sentences (exact, candidates)
    with django_assert_num_queries(4 + 2 * postgresql):
        found = memory_matches(source_text=paragraph, source_language="kk", target_language="ru")
    assert [(m.matched_text, m.score) for m in found] == [(press, 100)]


# -- seeds -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_load_is_idempotent():
    data = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    created = memory_seed_load()
    assert created == len(data["entries"]) == TranslationMemoryEntry.objects.count()
    assert memory_seed_load(path=SEED_PATH) == 0
    pairs = set(TranslationMemoryEntry.objects.values_list("source_language", "target_language"))
    assert {("kk", "ru"), ("ru", "kk"), ("kk", "en")} <= pairs
    assert set(TranslationMemoryEntry.objects.values_list("unit", flat=True)) == set(
        MemoryUnit.values
    )


@pytest.mark.django_db
def test_seed_memory_helps_translating_seed_004_into_russian():
    """The demo: translating seed 004 into Russian shows exact and fuzzy matches."""
    memory_seed_load()
    [path] = SEEDS.glob("004_*.txt")
    article = parse_article_text(path.read_text(encoding="utf-8"))
    best = []
    for paragraph in [article.title, *article.paragraphs]:
        found = memory_matches(source_text=paragraph, source_language="kk", target_language="ru")
        best.append(found[0] if found else None)
    paragraph_scores = [m.score for m in best if m and m.unit == "paragraph"]
    assert best[0] is not None
    assert best[0].score == 100  # the title
    assert 100 in paragraph_scores
    assert sum(75 <= s <= 95 for s in paragraph_scores) >= 3
    assert any(m and m.unit == "sentence" and m.score < 100 for m in best)
    assert any(m is None for m in best)  # not everything is in memory


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid UTF-8 JSON"),
        ('{"items": []}', '{"entries": [...]}'),
        ('{"entries": ["x"]}', "entry 0 is not an object"),
        (
            '{"entries": [{"source_language": "kz", "target_language": "ru", '
            '"source": "a", "target": "b"}]}',
            "entry 0: source_language must be one of en, kk, ru, not 'kz'",
        ),
        (
            '{"entries": [{"source_language": "kk", "target_language": "kk", '
            '"source": "a", "target": "b"}]}',
            "entry 0: source and target language are the same",
        ),
        (
            '{"entries": [{"source_language": "kk", "target_language": "ru", "unit": "word", '
            '"source": "a", "target": "b"}]}',
            "entry 0: unit must be one of paragraph, sentence, not 'word'",
        ),
        (
            '{"entries": [{"source_language": "kk", "target_language": "ru", '
            '"source": "a", "target": "b"}, {"source_language": "kk", "target_language": "ru", '
            '"source": " ", "target": "b"}]}',
            "entry 1: source must be a non-empty text",
        ),
    ],
)
@pytest.mark.django_db
def test_seed_load_rejects_invalid_files_and_stores_nothing(tmp_path, content, message):
    path = tmp_path / "memory.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MemorySeedError, match=message.replace("[", r"\[").replace(".", r"\.")):
        memory_seed_load(path=path)
    assert TranslationMemoryEntry.objects.count() == 0


def test_seed_load_missing_file(tmp_path):
    with pytest.raises(MemorySeedError, match="no such file"):
        memory_seed_load(path=tmp_path / "missing.json")


# -- migration 0005 ----------------------------------------------------------------------------


def _trigram_index_names() -> set[str]:
    buckets = TRIGRAM_LENGTH_BUCKETS
    return {
        f"articles_memory_trgm_{low}_{high or 'up'}" for low, high in itertools.pairwise(buckets)
    }


@pytest.mark.django_db
def test_migration_0005_indexes_per_database():
    table = TranslationMemoryEntry._meta.db_table
    with connection.cursor() as cursor:
        indexes = {
            name
            for name, info in connection.introspection.get_constraints(cursor, table).items()
            if info["index"]
        }
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            assert cursor.fetchone() == (1,)
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE indexname LIKE 'articles_memory_trgm_%%'"
            )
            definitions = dict(cursor.fetchall())
            assert set(definitions) == _trigram_index_names()
            assert all(
                "USING gin (source_text gin_trgm_ops) WHERE" in d for d in definitions.values()
            )
            assert "articles_memory_pair_length" not in indexes
        else:
            assert not indexes & _trigram_index_names()
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'articles_memory_pair_length'"
            )
            [(definition,)] = cursor.fetchall()
            assert "(source_language, target_language, LENGTH(source_text), id)" in definition


@pytest.mark.django_db
@pytest.mark.integration
@pytest.mark.parametrize(
    "text",
    [
        UNRELATED,  # 80 characters: the buckets below 250
        f"{OLD} {UNRELATED} {OLD}",  # 390: the buckets from 100 to 1500
        "Қысқа сөйлем.",
    ],
    ids=["sentence-sized", "long", "short"],
)
def test_trigram_indexes_serve_the_candidate_queries(text):
    """Each length bucket's partial trigram index must be provably usable by the queries memory
    sends (a predicate PostgreSQL cannot prove means a scan of the whole memory)."""
    require_service(
        connection.vendor == "postgresql",
        "the trigram prefilter runs on PostgreSQL only (DATABASE_URL unset)",
    )
    rng = random.Random(5)
    words = (OLD + " " + UNRELATED + " " + TWO_SENTENCES[2]).split()
    sources = {" ".join(rng.choices(words, k=rng.randint(2, 60))) for _ in range(3000)}
    TranslationMemoryEntry.objects.bulk_create(
        TranslationMemoryEntry(
            source_language="kk",
            target_language="ru",
            source_text=source,
            target_text="x",
            source_hash=memory_hash(source),
            target_hash=memory_hash("x"),
        )
        for source in sources
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TranslationMemoryEntry._meta.db_table}")
    with CaptureQueriesContext(connection) as queries:
        memory_matches(source_text=text, source_language="kk", target_language="ru")
    candidate_queries = [q["sql"] for q in queries if "SIMILARITY(" in q["sql"]]
    assert candidate_queries  # the paragraph, and then its sentences when it has several
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in candidate_queries:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan" not in plan
            assert "Bitmap Index Scan on articles_memory_trgm_" in plan
