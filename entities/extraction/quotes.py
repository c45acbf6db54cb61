"""Quotations in marks («…», "…", “…”, „…“) and, when the text says so, who said them.

Only the outermost pair counts: «…„…“…» is one quotation. Marks are paired per paragraph
(a line), so one stray straight quote cannot swallow the rest of the article.

A quotation must look like speech, not a quoted name («“Лу Бань” шеберханасы», «компании
"Самрук-Казына"», «“жаңа Қазақстан”»): at least ``MIN_WORDS`` words and ``MIN_CHARS``
characters, and either an attribution next to it (a dash or a speech verb after it, a colon,
«по словам X,» or «X айтуынша,» before it) or sentence punctuation inside it. A partial
quotation inside a sentence without attribution («назвал ситуацию "крайне сложной …"») is
therefore skipped.

The speaker is a span of the same text: the capitalised words after the speech verb
(«– подчеркнул Касым-Жомарт Токаев»), or before the quote («Токаев отметил: "…"», «по словам
Токаева, "…"», «Гүлнар Шаймергенованың айтуынша, "…"», «According to X, "…"»), case suffixes
included (the linker strips them). A pronoun («– сказал он») gives no speaker; a common noun
(«– дейді сарапшы», «– сказал министр энергетики») is given as it is, up to three words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

from entities.extraction.lexicons import language_lexicons
from entities.extraction.types import QuoteSpan

MIN_WORDS = 4
MIN_CHARS = 25
# How far back to look for «по словам X,» or «X отметил:» before an opening mark.
_LOOKBACK = 200

_MARKS = re.compile('[«»“”„"\n]')
_WORD = re.compile(r"[^\W\d_]+(?:[-‑'’][^\W\d_]+)*")
_UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
# A capitalised word, hyphenated parts allowed («Касым-Жомарт»), a case suffix included.
_NAME_WORD = rf"[{_UPPER}][^\W\d_]*(?:[-‑][^\W\d_]+)*"
# Up to four of them: «Касым-Жомарт Токаев», «Гүлнар Шаймергенованың».
_NAME = rf"{_NAME_WORD}(?:[ \u00a0]{_NAME_WORD}){{0,3}}"
_DASH = r"[–—‒-]"
_SUBJECT = re.compile(rf"^\s*(?P<sp>{_NAME}(?:[ \u00a0][^\W\d_]+)?)[ \u00a0]*$")
_SENTENCE_END = re.compile(r"[.!?…]\s*$|[.!?…]\s+\S")


@dataclass(frozen=True)
class _Compiled:
    # after the closing mark: «, – подчеркнул», «деп атап өтті», «, said»
    verb_after: re.Pattern[str]
    # after the closing mark, English: «,” Tokayev said»
    speaker_then_verb: re.Pattern[str] | None
    # just before the opening mark, each with a group «sp»
    before: tuple[re.Pattern[str], ...]
    pronouns: frozenset[str]


def _compile(lex: ModuleType) -> _Compiled:
    verbs = f"(?i:{lex.SPEECH_VERBS})"
    verb_after = re.compile(
        rf"[ \u00a0]*[,.]?[ \u00a0]*(?:{_DASH}[ \u00a0]*)?(?:(?i:как)\s+)?{verbs}(?![^\W\d_])"
    )
    speaker_then_verb = None
    if lex.SPEAKER_THEN_VERB:
        speaker_then_verb = re.compile(
            rf"[ \u00a0]*,?[ \u00a0]*(?P<sp>{_NAME}|[^\W\d_]+)[ \u00a0]+{verbs}(?![^\W\d_])"
        )
    before = [
        # «Токаев отметил: "…"», «Тоқаев:  "…"»
        re.compile(rf"(?P<sp>{_NAME})(?:[ \u00a0]+(?i:{lex.VERBS_BEFORE_COLON}))?[ \u00a0]*:\s*$"),
    ]
    if lex.ACCORDING_BEFORE:
        before.append(
            re.compile(rf"(?i:{lex.ACCORDING_BEFORE})[ \u00a0]+(?P<sp>{_NAME})[ \u00a0]*,\s*$")
        )
    if lex.ACCORDING_AFTER:
        before.append(
            re.compile(rf"(?P<sp>{_NAME})[ \u00a0]+(?i:{lex.ACCORDING_AFTER})[ \u00a0]*,\s*$")
        )
    return _Compiled(
        verb_after=verb_after,
        speaker_then_verb=speaker_then_verb,
        before=tuple(before),
        pronouns=lex.PRONOUNS,
    )


_COMPILED: dict[str, _Compiled] = {code: _compile(lex) for code, lex in language_lexicons().items()}

_OPENERS = {"«": "»", "„": "“”", "“": "”", '"': '"'}


def _pairs(text: str) -> list[tuple[int, int]]:
    """Outermost (open, close) mark positions, paired per line."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for match in _MARKS.finditer(text):
        mark, pos = match.group(), match.start()
        if mark == "\n":
            stack.clear()
            continue
        before = text[pos - 1] if pos else " "
        after = text[pos + 1] if pos + 1 < len(text) else " "
        top = stack[-1][0] if stack else ""
        closes = bool(top) and mark in _OPENERS[top]
        if mark == '"' or (mark == "“" and top == "“"):
            # A straight quote (or “…“) closes after a word and opens before one.
            closes = top == mark and not before.isspace()
            opens = not closes and not after.isspace()
        else:
            opens = mark in _OPENERS and not closes
        if closes:
            _, open_pos = stack.pop()
            if not stack:
                pairs.append((open_pos, pos))
        elif opens:
            stack.append((mark, pos))
    return pairs


def _clause_words(text: str, pos: int, limit: int = 6) -> list[tuple[int, int]]:
    """Word spans from ``pos`` up to the next punctuation (at most ``limit``)."""
    words: list[tuple[int, int]] = []
    while len(words) < limit:
        gap = pos
        while gap < len(text) and text[gap] in " \u00a0":
            gap += 1
        if words and gap == pos:
            break
        match = _WORD.match(text, gap)
        if match is None:
            break
        words.append(match.span())
        pos = match.end()
    return words


def _speaker_after(text: str, pos: int, pronouns: frozenset[str]) -> tuple[int, int] | None:
    """The speaker named after a speech verb ending at ``pos``."""
    words = _clause_words(text, pos)
    if not words or text[words[0][0] : words[0][1]].lower() in pronouns:
        return None
    capitalised = [text[s].isupper() for s, _ in words]
    if True in capitalised[:4]:
        first = capitalised.index(True)
        last = first
        while last + 1 < len(words) and capitalised[last + 1] and last - first < 3:
            last += 1
        # «Мемлекет басшысы.»: a title of two words ends the clause; keep its second word.
        if last == first and last + 2 == len(words) and len(words) - first == 2:
            last += 1
        return words[first][0], words[last][1]
    if len(words) <= 3:
        return words[0][0], words[-1][1]
    return words[0][0], words[0][1]


def _speaker_before(
    text: str, open_pos: int, compiled: _Compiled, subject: bool = False
) -> tuple[int, int] | None:
    """The speaker named before the opening mark; with ``subject``, also a sentence that
    is only a name (and one more word, «Мемлекет басшысы») up to the mark."""
    window_start = max(0, open_pos - _LOOKBACK)
    window = text[window_start:open_pos]
    # Only the sentence the quotation starts in.
    cut = max(window.rfind(". "), window.rfind("\n"), window.rfind("! "), window.rfind("? "))
    if cut >= 0:
        window_start += cut + 1
        window = window[cut + 1 :]
    patterns = (*compiled.before, _SUBJECT) if subject else compiled.before
    for pattern in patterns:
        match = pattern.search(window)
        if match:
            if match.group("sp").lower() in compiled.pronouns:
                return None
            return window_start + match.start("sp"), window_start + match.end("sp")
    return None


def _attribution(
    text: str, open_pos: int, close_pos: int, compiled: _Compiled
) -> tuple[bool, tuple[int, int] | None]:
    """Whether the quote is attributed, and the speaker's span when one is named."""
    after = compiled.verb_after.match(text, close_pos + 1)
    if after:
        speaker = _speaker_after(text, after.end(), compiled.pronouns)
        # «Тоқаев "…" деді.»: the verb names no one, the sentence opens with the speaker.
        return True, speaker or _speaker_before(text, open_pos, compiled, subject=True)
    if compiled.speaker_then_verb:
        named = compiled.speaker_then_verb.match(text, close_pos + 1)
        if named:
            # «,” he said»: attributed, but to no name.
            if (
                named.group("sp")[0].isupper()
                and named.group("sp").lower() not in compiled.pronouns
            ):
                return True, named.span("sp")
            return True, None
    speaker = _speaker_before(text, open_pos, compiled)
    if speaker:
        return True, speaker
    tail = text[close_pos + 1 : close_pos + 5]
    head = text[max(0, open_pos - 3) : open_pos]
    return bool(re.match(rf"\s*,?\s*{_DASH}", tail) or ":" in head), None


def _quotes(text: str, lexicons: list[_Compiled]) -> list[QuoteSpan]:
    found: list[QuoteSpan] = []
    for open_pos, close_pos in _pairs(text):
        start, end = open_pos + 1, close_pos
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        content = text[start:end]
        if len(content) < MIN_CHARS or len(content.split()) < MIN_WORDS:
            continue
        attributed, speaker = False, None
        for compiled in lexicons:
            cue, speaker = _attribution(text, open_pos, close_pos, compiled)
            attributed = attributed or cue
            if speaker:
                break
        if not attributed and not _SENTENCE_END.search(content):
            continue
        found.append(
            QuoteSpan(
                start=start,
                end=end,
                text=content,
                speaker_start=speaker[0] if speaker else None,
                speaker_end=speaker[1] if speaker else None,
                speaker_text=text[speaker[0] : speaker[1]] if speaker else "",
            )
        )
    return found


def extract_quotes(text: str, language: str) -> list[QuoteSpan]:
    """Quotations in ``text`` in order; an unknown ``language`` tries every lexicon."""
    if not text:
        return []
    compiled = _COMPILED.get(language)
    return _quotes(text, [compiled] if compiled else list(_COMPILED.values()))
