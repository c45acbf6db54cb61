"""The content checks (figures, entities, dates, quotes) on real news: paragraphs of the seed
articles (003 in Russian, 004 and 000 in Kazakh) with faithful translations, then one planted
mistake at a time. A faithful translation must raise nothing; each planted mistake exactly
one finding of the right check, paragraph and severity."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from articles.translations.qa import AlignedPair, Finding, Severity, run_checks
from entities.extraction.figures import extract_figures

pytestmark = pytest.mark.django_db

CONTENT_CHECKS = ("figures", "entities", "dates", "quotes")
# The seeds were published on 5 September 2025: «бүгін», «сегодня» resolve against it.
REFERENCE = date(2025, 9, 5)

# -- seed 003 (Russian) and a faithful Kazakh translation -------------------------------------

RU_TITLE = "Что подробно обсудили Касым-Жомарт Токаев и Си Цзиньпин во время переговоров"
KK_TITLE = "Қасым-Жомарт Тоқаев пен Си Цзиньпин келіссөздер барысында нені егжей-тегжейлі талқылады"

RU_SOURCE = [
    "Выступая 2 сентября 2025 года на заседании казахско-китайского Делового совета в Пекине, "
    "глава государства Касым-Жомарт Токаев раскрыл, чему было уделено отдельное внимание на "
    "встрече с председателем КНР Си Цзиньпином, сообщает Zakon.kz.",
    "Президент рассказал, что в ходе содержательных переговоров с председателем КНР Си "
    "Цзиньпином подробно обсуждались вопросы взаимодействия в атомной отрасли, в том числе "
    "планы привлечения китайских технологий и подготовки квалифицированных специалистов. "
    '"Договорились о том, что обе страны должны стать стратегическими партнерами в этой сфере. '
    "К этой работе мы намерены привлечь компанию CNNC, сегодня я проведу встречу с ее "
    "руководством. Отмечу и активную деятельность на нашем рынке корпорации SANY. Хочу "
    "выразить благодарность данным компаниям за сотрудничество. Ключевым элементом обеспечения "
    "энергетической безопасности нашей страны остается развитие традиционных источников "
    "энергии. Считаем, что все совместные проекты в сфере энергетики послужат дальнейшему "
    'укреплению нашего взаимовыгодного сотрудничества", – подчеркнул Касым-Жомарт Токаев. '
    "Вторым приоритетом глава государства назвал взаимодействие в энергетической сфере. "
    '"Совместно с компанией Sinopec в Атырауской области начато строительство завода по '
    "выпуску полиэтилена. В этот масштабный проект мощностью 1250 тыс. тонн продукции в год "
    "будет вложено 7,4 млрд долларов. В дальнейшем мы заинтересованы в скорейшей модернизации "
    "нефтеперерабатывающего завода в Шымкенте с участием CNPC. В целях развития возобновляемой "
    "энергетики мы намерены реализовать ряд проектов с участием ведущих китайских компаний, как "
    "China Power International Holding и China Energy. Еще одним важным проектом в "
    "энергетической сфере является строительство парогазовой установки в Мангистауской области "
    'мощностью 160 МВт совместно с компанией China Huadian Corporation", – сказал Касым-Жомарт '
    "Токаев. Ранее президент Казахстана заявил, что Китай – данный нам судьбой надежный сосед.",
]
KK_TARGET = [
    "2025 жылғы 2 қыркүйекте Бейжіңде өткен Қазақ-қытай іскерлік кеңесінің отырысында сөз "
    "сөйлеген Мемлекет басшысы Қасым-Жомарт Тоқаев ҚХР Төрағасы Си Цзиньпинмен кездесуде "
    "қандай мәселелерге ерекше назар аударылғанын айтып берді, деп хабарлайды Zakon.kz.",
    "Президент ҚХР Төрағасы Си Цзиньпинмен болған мазмұнды келіссөздер барысында атом "
    "саласындағы өзара іс-қимыл мәселелері, соның ішінде қытайлық технологияларды тарту және "
    "білікті мамандар даярлау жоспарлары егжей-тегжейлі талқыланғанын айтты. "
    '"Екі ел осы салада стратегиялық серіктес болуы тиіс деп уағдаластық. Бұл жұмысқа CNNC '
    "компаниясын тартуды көздеп отырмыз, бүгін оның басшылығымен кездесу өткіземін. SANY "
    "корпорациясының біздің нарықтағы белсенді қызметін де атап өткім келеді. Осы "
    "компанияларға ынтымақтастығы үшін алғыс айтамын. Еліміздің энергетикалық қауіпсіздігін "
    "қамтамасыз етудің негізгі элементі дәстүрлі энергия көздерін дамыту болып қала береді. "
    "Энергетика саласындағы барлық бірлескен жоба өзара тиімді ынтымақтастығымызды одан әрі "
    'нығайтуға қызмет етеді деп санаймыз", – деп атап өтті Қасым-Жомарт Тоқаев. Мемлекет '
    "басшысы екінші басымдық ретінде энергетика саласындағы өзара іс-қимылды атады. "
    '"Sinopec компаниясымен бірлесіп Атырау облысында полиэтилен шығаратын зауыттың құрылысы '
    "басталды. Жылына 1250 мың тонна өнім шығаратын бұл ауқымды жобаға 7,4 млрд доллар "
    "инвестиция салынады. Алдағы уақытта CNPC қатысуымен Шымкенттегі мұнай өңдеу зауытын "
    "тезірек жаңғыртуға мүддеміз. Жаңартылатын энергетиканы дамыту мақсатында China Power "
    "International Holding және China Energy сияқты жетекші қытайлық компаниялардың "
    "қатысуымен бірқатар жобаны жүзеге асыруды көздеп отырмыз. Энергетика саласындағы тағы бір "
    "маңызды жоба – China Huadian Corporation компаниясымен бірлесіп Маңғыстау облысында қуаты "
    '160 МВт бу-газ қондырғысын салу", – деді Қасым-Жомарт Тоқаев. Бұған дейін Қазақстан '
    "Президенті Қытай – тағдыр сыйлаған сенімді көршіміз екенін мәлімдеген болатын.",
]

# -- seeds 004 and 000 (Kazakh) and a faithful Russian translation ----------------------------

KK_SOURCE = [
    # 004, paragraph 1
    "31 тамыз – 3 қыркүйек аралығындағы Қытайға сапар Қазақстан үшін жаңа саяси әрі "
    "экономикалық мүмкіндіктердің бастауы болды. Сапар аясында қол қойылған келісімдер "
    "транзиттік дәліздерден бастап жасанды интеллектіге дейінгі салаларды қамтиды, деп "
    "хабарлайды BAQ.KZ тілшісі.",
    # 004, paragraph 2
    "Қытайды зерттеу орталығының директоры Гүлнар Шаймергенованың атап өткендей, сапар "
    "қарсаңында, 30 тамызда, Мемлекет басшысы ҚХР Төрағасы Си Цзиньпинмен кездесіп, "
    "энергетика, көлік-логистика, білім беру және экология салаларын қамтитын 20-дан астам "
    "құжатқа қол қойылды. Сонымен қатар, Қазақстанда қосымша екі “Лу Бань” шеберханасын ашу "
    "және мәдениет жылы аясында бірлескен жобаларды іске асыру келісілді.",
    # 004, paragraph 3
    "1 қыркүйекте Тоқаев ШЫҰ саммитінде сөз сөйлеп, көпжақты ынтымақтастықты нығайтудағы "
    "Қазақстанның көзқарасын таныстырды. Ал 2 қыркүйекте Бейжіңде Қазақстанның Мәдени "
    "орталығын ашып, гуманитарлық байланыстардың стратегиялық серіктестікті нығайтудағы "
    "маңызын атап өтті. 3 қыркүйекте Президент Қытайдағы Жеңістің 80 жылдығына арналған "
    "әскери шеруге қатысты.",
    # 004, paragraph 5 (a quotation without marks: «…, – дейді сарапшы»)
    "Қытай – Қазақстан үшін тағдырлас көрші әрі сенімді серіктес. Тоқаевтың сапары тек "
    "декларативті емес, нақты инвестициялық және гуманитарлық келісімдермен айшықталды, – "
    "дейді сарапшы.",
    # 004, paragraph 11
    "Гүлнар Шаймергенованың айтуынша, Қытайдың Қазақстан экономикасына құйған инвестициясы "
    "$27 млрд-тан асып, 6 мыңнан астам бірлескен кәсіпорын жұмыс істеп тұр. Ендігі мақсат – "
    "“сапалық тереңдікке” көшу.",
    # 000, paragraph 2
    "Президент кездесуде Chevron компаниясының Қазақстан экономикасына қосқан үлесін жоғары "
    "бағалады. Тәуелсіздік жылдары корпорация Теңіз және Қарашығанақ сияқты ірі кен орындарын "
    "игеруге белсенді қатысып, елімізге шамамен 55 миллиард АҚШ доллары көлемінде инвестиция "
    "салды. Бұл қаржы елдің энергетикалық инфрақұрылымын жаңғыртуға, жаңа жұмыс орындарын "
    "құруға және технологиялық трансферге айтарлықтай серпін берді. Қазіргі таңда әлемдегі ең "
    "ірі энергетикалық компаниялардың бірінің жалпы өндірісінің 25 пайызы Қазақстандағы "
    "жобаларға тиесілі. Бұл көрсеткіш компанияның біздің елдегі рөлінің маңыздылығын айқын "
    "дәлелдейді.",
    # 000, paragraph 4
    "Тағы бір маңызды тақырып – көмірсутектерді әлемдік нарыққа тасымалдаудың жаңа "
    'бағыттарын дамыту. Кездесуде Орталық Азия – Қара теңіз – Еуропа бағытындағы "Орта '
    'дәліз" көлігі дәлізі арқылы жеткізудің мүмкіндіктері егжей-тегжейлі қаралды. Бұл бағыт '
    "транзиттік әлеуетімізді ашып, экспорттық диверсификацияны қамтамасыз етеді, әрі "
    'геосаяси тәуекелдерді төмендетеді. Президент Тоқаев кездесуде Қазақстанның "жаңа '
    'Қазақстан" құру жолындағы реформаларын баяндап, шетелдік инвесторларды жаңа жобаларға '
    "тартуға шақырды.",
    # 000, paragraph 5, as the direct quotation a desk would print
    "«Біз Қазақстанмен ұзақ мерзімді серіктестікке мүддеміз және болашақ жобаларды бірге іске "
    "асыруға дайынбыз», – деді Chevron компаниясының басшысы Майкл Уирт.",
]
RU_TARGET = [
    "Визит в Китай, проходивший с 31 августа по 3 сентября, стал для Казахстана началом новых "
    "политических и экономических возможностей. Соглашения, подписанные в ходе визита, "
    "охватывают сферы от транзитных коридоров до искусственного интеллекта, сообщает "
    "корреспондент BAQ.KZ.",
    "Как отметила директор Центра изучения Китая Гульнар Шаймергенова, накануне визита, 30 "
    "августа, глава государства встретился с председателем КНР Си Цзиньпином, и было "
    "подписано более 20 документов в сферах энергетики, транспорта и логистики, образования и "
    "экологии. Кроме того, договорились открыть в Казахстане еще две мастерские «Лубань» и "
    "реализовать совместные проекты в рамках года культуры.",
    "1 сентября Токаев выступил на саммите ШОС и изложил позицию Казахстана по укреплению "
    "многостороннего сотрудничества. А 2 сентября он открыл в Пекине Культурный центр "
    "Казахстана и подчеркнул значение гуманитарных связей для укрепления стратегического "
    "партнерства. 3 сентября Президент принял участие в военном параде в Китае, посвященном "
    "80-летию Победы.",
    "Китай – для Казахстана сосед, с которым нас связывает общая судьба, и надежный партнер. "
    "Визит Токаева отмечен не декларациями, а конкретными инвестиционными и гуманитарными "
    "соглашениями, – говорит эксперт.",
    "По словам Гульнар Шаймергеновой, китайские инвестиции в экономику Казахстана превысили "
    "$27 млрд, работают более 6 тысяч совместных предприятий. Теперь цель – переход к "
    "«качественной глубине».",
    "На встрече Президент высоко оценил вклад компании Chevron в экономику Казахстана. За годы "
    "независимости корпорация активно участвовала в освоении таких крупных месторождений, как "
    "Тенгиз и Карачаганак, и вложила в страну около 55 миллиардов долларов США. Эти средства "
    "дали значительный импульс модернизации энергетической инфраструктуры страны, созданию "
    "новых рабочих мест и трансферу технологий. Сегодня на проекты в Казахстане приходится 25 "
    "процентов всей добычи одной из крупнейших энергетических компаний мира. Этот показатель "
    "наглядно подтверждает значимость роли компании в нашей стране.",
    "Еще одна важная тема – развитие новых маршрутов транспортировки углеводородов на мировые "
    "рынки. На встрече подробно рассмотрели возможности поставок через транспортный коридор "
    "«Средний коридор» по направлению Центральная Азия – Черное море – Европа. Этот маршрут "
    "раскроет наш транзитный потенциал, обеспечит диверсификацию экспорта и снизит "
    "геополитические риски. Президент Токаев рассказал на встрече о реформах Казахстана на "
    "пути к построению «нового Казахстана» и призвал иностранных инвесторов к участию в новых "
    "проектах.",
    "«Мы заинтересованы в долгосрочном партнерстве с Казахстаном и готовы вместе реализовывать "
    "будущие проекты», – сказал глава Chevron Майкл Уирт.",
]


def pairs_of(
    source: list[str], target: list[str], titles: tuple[str, str] | None = None
) -> list[AlignedPair]:
    pairs = [AlignedPair(None, *titles, is_title=True)] if titles else []
    pairs += [AlignedPair(i, s, t) for i, (s, t) in enumerate(zip(source, target, strict=True))]
    return pairs


def check(
    source: list[str],
    target: list[str],
    languages: str,
    *,
    titles: tuple[str, str] | None = None,
    codes: tuple[str, ...] = CONTENT_CHECKS,
) -> list[Finding]:
    source_language, target_language = languages.split("→")
    return run_checks(
        pairs_of(source, target, titles),
        source_language=source_language,
        target_language=target_language,
        reference=REFERENCE,
        codes=codes,
    )


def summary(findings: list[Finding]) -> list[tuple[str, int | None, Severity]]:
    return [(f.check, f.paragraph, f.severity) for f in findings]


def planted(paragraphs: list[str], index: int, old: str, new: str) -> list[str]:
    """The faithful translation with one mistake planted in one paragraph."""
    assert paragraphs[index].count(old) == 1, old
    changed = list(paragraphs)
    changed[index] = changed[index].replace(old, new)
    return changed


# -- faithful translations: no finding at all --------------------------------------------------


def test_faithful_kazakh_translation_of_russian_seed_raises_nothing():
    assert check(RU_SOURCE, KK_TARGET, "ru→kk", titles=(RU_TITLE, KK_TITLE)) == []


def test_faithful_russian_translation_of_kazakh_seeds_raises_nothing():
    assert check(KK_SOURCE, RU_TARGET, "kk→ru") == []


def test_faithful_translations_raise_nothing_in_the_other_direction_either():
    """The same texts read as the translation of each other: the checks are symmetric."""
    assert check(KK_TARGET, RU_SOURCE, "kk→ru", titles=(KK_TITLE, RU_TITLE)) == []
    assert check(RU_TARGET, KK_SOURCE, "ru→kk") == []


# -- planted mistakes, one at a time -----------------------------------------------------------

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@pytest.mark.parametrize(
    ("name", "index", "old", "new", "expected"),
    [
        ("figure 7,4 → 74 billion", 1, "7,4 млрд доллар", "74 млрд доллар", ("figures", 1, ERROR)),
        ("figure 160 → 16 MW", 1, "160 МВт", "16 МВт", ("figures", 1, ERROR)),
        ("tonnes dropped", 1, "Жылына 1250 мың тонна өнім шығаратын бұл", "Бұл", ("figures", 1, ERROR)),
        ("person dropped", 0, "ҚХР Төрағасы Си Цзиньпинмен", "ҚХР Төрағасымен", ("entities", 0, ERROR)),
        ("place dropped", 1, "Атырау облысында ", "", ("entities", 1, ERROR)),
        ("company dropped", 1, "Sinopec компаниясымен бірлесіп ", "", ("entities", 1, ERROR)),
        ("date shifted", 0, "2025 жылғы 2 қыркүйекте", "2025 жылғы 12 қыркүйекте", ("dates", 0, ERROR)),
        ("today → tomorrow", 1, "бүгін оның", "ертең оның", ("dates", 1, ERROR)),
        (
            "quote lost",
            1,
            '"Екі ел осы салада стратегиялық серіктес болуы тиіс деп уағдаластық.',
            "Оның айтуынша, екі ел осы салада стратегиялық серіктес болуы тиіс деп уағдаласты.",
            # The first quotation's opening mark is gone: its words run into the second one's
            # closing mark, so the row has one quotation where the source has two.
            ("quotes", 1, ERROR),
        ),
        ("speaker changed", 1, "– деді Қасым-Жомарт Тоқаев", "– деді Си Цзиньпин", ("quotes", 1, ERROR)),
    ],
)  # fmt: skip
def test_planted_mistake_in_kazakh_translation_is_found(name, index, old, new, expected):
    findings = check(RU_SOURCE, planted(KK_TARGET, index, old, new), "ru→kk")
    assert summary(findings) == [expected], name


@pytest.mark.parametrize(
    ("name", "index", "old", "new", "expected"),
    [
        ("figure 55 → 5,5 billion", 5, "55 миллиардов", "5,5 миллиарда", ("figures", 5, ERROR)),
        ("percent 25 → 52", 5, "25 процентов", "52 процента", ("figures", 5, ERROR)),
        ("figure $27 → $2,7 billion", 4, "$27 млрд", "$2,7 млрд", ("figures", 4, ERROR)),
        ("person dropped", 1, "председателем КНР Си Цзиньпином", "председателем КНР", ("entities", 1, ERROR)),
        ("place dropped", 2, " в Пекине", "", ("entities", 2, ERROR)),
        ("field dropped", 5, "как Тенгиз и Карачаганак", "как Тенгиз", ("entities", 5, ERROR)),
        ("date shifted", 2, "А 2 сентября", "А 3 сентября", ("dates", 2, ERROR)),
        ("range shifted", 0, "с 31 августа по 3 сентября", "с 30 августа по 3 сентября", ("dates", 0, ERROR)),
        (
            "quote lost",
            7,
            "«Мы заинтересованы в долгосрочном партнерстве с Казахстаном и готовы вместе "
            "реализовывать будущие проекты», – сказал глава Chevron Майкл Уирт.",
            "Глава Chevron Майкл Уирт сказал, что компания заинтересована в долгосрочном "
            "партнерстве с Казахстаном и готова вместе реализовывать будущие проекты.",
            ("quotes", 7, ERROR),
        ),
        (
            "speaker changed",
            7,
            "– сказал глава Chevron Майкл Уирт.",
            "– сказал Касым-Жомарт Токаев, обращаясь к главе Chevron Майклу Уирту.",
            ("quotes", 7, ERROR),
        ),
    ],
)  # fmt: skip
def test_planted_mistake_in_russian_translation_is_found(name, index, old, new, expected):
    findings = check(KK_SOURCE, planted(RU_TARGET, index, old, new), "kk→ru")
    assert summary(findings) == [expected], name


def test_planted_mistake_in_a_title_is_found_with_no_paragraph():
    findings = check(
        RU_SOURCE, KK_TARGET, "ru→kk", titles=(RU_TITLE, "Тоқаев келіссөздерде нені талқылады")
    )
    assert summary(findings) == [("entities", None, ERROR)]
    assert "Си Цзиньпин" in findings[0].message


# -- figures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("3,1 млрд долларов", "ru", ("money", 3_100_000_000, "USD")),
        ("3,1 миллиард доллар", "kk", ("money", 3_100_000_000, "USD")),
        ("3,1 млрд АҚШ доллары", "kk", ("money", 3_100_000_000, "USD")),
        ("$3.1 billion", "en", ("money", 3_100_000_000, "USD")),
        ("$3.1bn", "en", ("money", 3_100_000_000, "USD")),
        ("3.1 billion US dollars", "en", ("money", 3_100_000_000, "USD")),
        ("25 пайызы", "kk", ("percent", 25, "%")),
        ("25 процента", "ru", ("percent", 25, "%")),
        ("25 per cent", "en", ("percent", 25, "%")),
        ("1250 мың тонна", "kk", ("quantity", 1_250_000, "t")),
        ("1250 тыс. тонн", "ru", ("quantity", 1_250_000, "t")),
        ("1.25 million tonnes", "en", ("quantity", 1_250_000, "t")),
        ("1,5 млн т", "ru", ("quantity", 1_500_000, "t")),
        ("1,5 млн т", "kk", ("quantity", 1_500_000, "t")),
        ("$5m", "en", ("money", 5_000_000, "USD")),
        ("€5m", "en", ("money", 5_000_000, "EUR")),
        ("$1.2trn", "en", ("money", 1_200_000_000_000, "USD")),
    ],
)
def test_figures_normalise_alike_in_every_language(text, language, expected):
    [figure] = extract_figures(text, language)
    assert (figure.kind, figure.value, figure.unit) == expected


def test_percentage_points_are_no_percentage_in_any_language():
    """«пайыздық тармақ», «процентных пункта», «percentage points»: a change of a share, which
    none of the languages counts as a figure, so none of them can be missing."""
    assert extract_figures("Инфляция 2 пайыздық тармаққа төмендеді.", "kk") == []
    assert (
        check(
            ["Инфляция 2 пайыздық тармаққа төмендеді, ал ЖІӨ 5 пайызға өсті."],
            ["Инфляция снизилась на 2 процентных пункта, а ВВП вырос на 5%."],
            "kk→ru",
        )
        == []
    )


@pytest.mark.parametrize(
    ("source", "languages", "faithful", "mistake"),
    [
        (
            "Жобаның құны 6 млрд АҚШ долларын құрайды.",
            "kk→ru",
            "Стоимость проекта составляет 6 млрд долларов.",
            "Стоимость проекта составляет 60 млрд долларов.",
        ),
        (
            "Стоимость проекта составляет 6 млрд долларов.",
            "ru→kk",
            "Жобаның құны 6 миллиард доллар.",
            "Жобаның құны 60 миллиард доллар.",
        ),
        (
            "В этот масштабный проект мощностью 1250 тыс. тонн продукции в год будет вложено "
            "7,4 млрд долларов.",
            "ru→en",
            "The large-scale project, with a capacity of 1.25 million tonnes a year, will "
            "receive $7.4bn of investment.",
            "The large-scale project, with a capacity of 1.25 million tonnes a year, will "
            "receive $74bn of investment.",
        ),
        (
            "Қазіргі таңда компанияның жалпы өндірісінің 25 пайызы Қазақстандағы жобаларға "
            "тиесілі, ал инвестиция 55 миллиард АҚШ долларына жетті.",
            "kk→en",
            "Today 25 per cent of the company's output comes from projects in Kazakhstan, and "
            "its investment has reached $55 billion.",
            "Today 25 per cent of the company's output comes from projects in Kazakhstan, and "
            "its investment has reached $5.5 billion.",
        ),
    ],
)
def test_figure_changed_by_a_factor_is_found(source, languages, faithful, mistake):
    assert check([source], [faithful], languages, codes=("figures",)) == []
    [finding] = check([source], [mistake], languages, codes=("figures",))
    assert (finding.check, finding.paragraph, finding.severity) == ("figures", 0, ERROR)
    assert "became" in finding.message


def test_figure_message_says_what_the_translation_says_instead():
    [finding] = check(
        ["В этот проект будет вложено 7,4 млрд долларов."],
        ["Бұл жобаға 74 млрд доллар салынады."],
        "ru→kk",
        codes=("figures",),
    )
    assert finding.message == "«7,4 млрд долларов» became «74 млрд доллар» in the translation."
    assert finding.detail == {"source": "7,4 млрд долларов", "target": "74 млрд доллар"}


def test_figure_missing_without_a_replacement():
    [finding] = check(["Инвестиции превысили $27 млрд."], ["Инвестиция айтарлықтай өсті."], "ru→kk")
    assert finding.check == "figures"
    assert finding.message == "The figure «$27 млрд» is missing or changed in the translation."


def test_figure_in_another_currency_is_a_change():
    [finding] = check(
        ["Жобаға 60 млрд доллар салынады."], ["В проект вложат 60 млрд тенге."], "kk→ru"
    )
    assert finding.message == "«60 млрд доллар» became «60 млрд тенге» in the translation."


def test_figure_only_in_the_translation_is_a_warning():
    """A conversion the translator added for the reader informs; it does not block."""
    findings = check(
        ["Жобаға 60 млрд теңге бөлінді."],
        ["The project received 60 billion tenge ($125 million)."],
        "kk→en",
    )
    assert summary(findings) == [("figures", 0, WARNING)]
    assert "$125 million" in findings[0].message


def test_fingerprint_does_not_depend_on_the_interface_language():
    args = (["Инвестиции: 7,4 млрд долларов."], ["Инвестиция: 74 млрд доллар."], "ru→kk")
    with translation.override("kk"):
        [in_kazakh] = check(*args)
    with translation.override("en"):
        [in_english] = check(*args)
    assert in_kazakh.fingerprint == in_english.fingerprint
    [again_other_figure] = check(
        ["Инвестиции: 7,5 млрд долларов."], ["Инвестиция: 74 млрд доллар."], "ru→kk"
    )
    assert again_other_figure.fingerprint != in_english.fingerprint


# -- entities ----------------------------------------------------------------------------------


def test_entity_message_names_it_in_the_target_language():
    [finding] = check(
        ["1 қыркүйекте Тоқаев ШЫҰ саммитінде сөз сөйледі."],
        ["1 сентября Президент выступил на саммите ШОС."],
        "kk→ru",
    )
    assert finding.check == "entities"
    assert finding.message == (
        "«Касым-Жомарт Токаев» (Тоқаев) is not mentioned in the translation."
    )


def test_entity_named_by_its_adjective_is_mentioned():
    """«Қытайдың инвестициясы» is «китайские инвестиции»: China is there, as an adjective."""
    assert (
        check(
            ["Қытайдың инвестициясы $27 млрд-тан асты."],
            ["Китайские инвестиции превысили $27 млрд."],
            "kk→ru",
        )
        == []
    )


def test_entity_the_target_tagger_misses_is_found_by_its_names():
    """The target side's NER does not tag a lowercase-initial mention, so the linking misses
    it; the entity's aliases, inflected, still find it in the target text."""
    assert (
        check(
            ["Қазақ-қытай іскерлік кеңесінің отырысы Бейжіңде өтті."],
            ["Заседание казахско-китайского Делового совета прошло в Пекине."],
            "kk→ru",
        )
        == []
    )


def test_person_by_surname_alone_is_mentioned():
    assert (
        check(
            ["Гүлнар Шаймергенованың айтуынша, сапар сәтті өтті."],
            ["По мнению Шаймергеновой, визит прошел успешно."],
            "kk→ru",
        )
        == []
    )


def test_foreign_name_declined_in_russian_is_mentioned():
    """The dictionary reads «Уирту» as a form of «Уирот»; declined by the book it is «Уирт»."""
    assert (
        check(
            ["Тоқаев Майкл Уиртпен кездесті."],
            ["Токаев встретился с Майклом Уиртом."],
            "kk→ru",
            codes=("entities",),
        )
        == []
    )


def test_another_person_with_the_same_role_is_not_the_same_person():
    findings = check(["Кездесуге Ли Цян қатысты."], ["Во встрече участвовал Си Цзиньпин."], "kk→ru")
    assert summary(findings) == [("entities", 0, ERROR)]
    assert "Ли Цян" in findings[0].message


def test_entity_names_are_read_in_one_query_for_the_whole_article():
    source = ["Тоқаев Бейжіңде сөз сөйледі."] * 6
    target = ["Президент выступил с речью."] * 6
    with CaptureQueriesContext(connection) as queries:
        findings = check(source, target, "kk→ru", codes=("entities",))
    assert len(findings) == 12  # Tokayev and Beijing, in each of six rows
    alias_by_entity = [q for q in queries if '"entities_alias"."entity_id" IN' in q["sql"]]
    assert len(alias_by_entity) == 1


# -- dates -------------------------------------------------------------------------------------


def test_date_message_gives_both_texts():
    [finding] = check(
        ["30 тамызда Мемлекет басшысы Си Цзиньпинмен кездесті."],
        ["31 августа глава государства встретился с Си Цзиньпином."],
        "kk→ru",
    )
    assert finding.check == "dates"
    assert finding.message == "The date «30 тамызда» became «31 августа» in the translation."


def test_date_dropped():
    [finding] = check(["Визит прошел с 31 августа по 3 сентября."], ["Сапар сәтті өтті."], "ru→kk")
    assert (finding.check, finding.severity) == ("dates", ERROR)
    assert "31 августа по 3 сентября" in finding.message


def test_date_range_written_as_its_two_ends_is_the_same():
    """The English extractor reads «August 31 – September 3» as two days."""
    assert (
        check(
            ["31 тамыз – 3 қыркүйек аралығындағы сапар аяқталды."],
            ["The August 31 – September 3 visit is over."],
            "kk→en",
        )
        == []
    )


def test_relative_date_matches_the_absolute_one():
    assert (
        check(["Кеше Тоқаев Бейжіңде болды."], ["4 сентября Токаев был в Пекине."], "kk→ru") == []
    )


def test_today_meaning_nowadays_is_no_finding():
    assert (
        check(
            ["Қазіргі таңда өндірістің 25 пайызы Қазақстанға тиесілі."],
            ["Сегодня 25 процентов добычи приходится на Казахстан."],
            "kk→ru",
        )
        == []
    )


def test_date_only_in_the_translation_is_a_warning():
    findings = check(
        ["Сапар қарсаңында құжаттарға қол қойылды."],
        ["Накануне визита, 30 августа, были подписаны документы."],
        "kk→ru",
    )
    assert summary(findings) == [("dates", 0, WARNING)]


# -- quotes ------------------------------------------------------------------------------------

KK_QUOTE = (
    "«Біз Қазақстанмен ұзақ мерзімді серіктестікке мүддеміз және болашақ жобаларды бірге іске "
    "асыруға дайынбыз», – деді {speaker}."
)
RU_QUOTE = (
    "«Мы заинтересованы в долгосрочном партнерстве с Казахстаном и готовы вместе "
    "реализовывать будущие проекты», – сказал {speaker}."
)


def test_speaker_changed_within_the_same_company_is_found():
    """Both clauses name Chevron; the people differ, and people decide."""
    findings = check(
        [KK_QUOTE.format(speaker="Chevron компаниясының басшысы Майкл Уирт")],
        [RU_QUOTE.format(speaker="представитель Chevron Тимур Кулибаев")],
        "kk→ru",
        codes=("quotes",),
    )
    assert summary(findings) == [("quotes", 0, ERROR)]


def test_speaker_changed_message_names_both():
    [finding] = check(
        [KK_QUOTE.format(speaker="Майкл Уирт")],
        [RU_QUOTE.format(speaker="Дональд Трамп")],
        "kk→ru",
        codes=("quotes",),
    )
    assert (finding.check, finding.severity) == ("quotes", ERROR)
    assert "Майкл Уирт" in finding.message
    assert "Дональд Трамп" in finding.message


def test_speakers_unknown_to_the_knowledge_base_compared_by_spelling():
    source = [KK_QUOTE.format(speaker="Ерлан Сапаров")]
    assert check(source, [RU_QUOTE.format(speaker="Ерлан Сапаров")], "kk→ru") == []
    findings = check(source, [RU_QUOTE.format(speaker="Марат Беков")], "kk→ru")
    assert summary(findings) == [("quotes", 0, ERROR)]


@pytest.mark.parametrize(
    ("source_speaker", "target_speaker"),
    [
        ("сарапшы", "эксперт"),
        ("Мемлекет басшысы", "глава государства"),
        ("Майкл Уирт", "глава компании"),
        ("Chevron компаниясының басшысы Майкл Уирт", "Майкл Уирт"),
    ],
)
def test_speaker_the_check_is_not_sure_about_is_no_finding(source_speaker, target_speaker):
    assert (
        check(
            [KK_QUOTE.format(speaker=source_speaker)],
            [RU_QUOTE.format(speaker=target_speaker)],
            "kk→ru",
            codes=("quotes",),
        )
        == []
    )


def test_quote_lost_message_quotes_it():
    [finding] = check(
        [KK_QUOTE.format(speaker="Майкл Уирт")],
        ["Майкл Уирт заявил о готовности к долгосрочному партнерству с Казахстаном."],
        "kk→ru",
        codes=("quotes",),
    )
    assert (finding.check, finding.severity) == ("quotes", ERROR)
    assert finding.message.startswith("The quotation «Біз Қазақстанмен")
    assert "(Майкл Уирт) is missing in the translation." in finding.message


def test_quote_in_marks_whose_attribution_the_extractor_misses_still_counts():
    """«Уирт отметил, что "…"» is no attribution the extractor knows, but the marks are there."""
    assert (
        check(
            [KK_QUOTE.format(speaker="Майкл Уирт")],
            [
                "Майкл Уирт отметил, что «компания заинтересована в долгосрочном партнерстве "
                "с Казахстаном и готова реализовывать будущие проекты»."
            ],
            "kk→ru",
            codes=("quotes",),
        )
        == []
    )


def test_quote_only_in_the_translation_is_a_warning():
    """The source quotes without marks («…, – дейді сарапшы»); the translator added them."""
    findings = check(
        [KK_SOURCE[3]],
        [
            "«Китай – для Казахстана сосед, с которым нас связывает общая судьба, и надежный "
            "партнер. Визит Токаева отмечен не декларациями, а конкретными соглашениями», – "
            "говорит эксперт."
        ],
        "kk→ru",
        codes=("quotes",),
    )
    assert summary(findings) == [("quotes", 0, WARNING)]


def test_rows_without_a_translation_yet_are_left_to_the_form_checks():
    pairs = [AlignedPair(0, RU_SOURCE[0], ""), AlignedPair(1, RU_SOURCE[1], KK_TARGET[1])]
    findings = run_checks(
        pairs, source_language="ru", target_language="kk", reference=REFERENCE, codes=CONTENT_CHECKS
    )
    assert findings == []
