"""Context checks that some rules need, as plain functions of normalised text.

A rule in `rules.py` names the check it needs (`check=long_duration`); the lexicon calls
it with the text and the match. The others here tell a report from a mention: a general
question about a condition, a sensation word about a thing, a story or role play.
"""

from __future__ import annotations

import re

from . import vocabulary as lex

_compile = re.compile
_SENTENCE = _compile(r"[^.!?;\n]+")
_BACK = _compile(lex.BACK)
_NOT_BACK = _compile(lex.NOT_BACK)
_PAIN = _compile(lex.PAIN)
_FICTION = _compile(lex.FICTION_REQUEST)
_FIRST_PERSON = _compile(lex.FIRST_PERSON)
_NOT_A_BODY = _compile(lex.NOT_A_BODY)
_BODY_WORD = _compile(lex.BODY_WORD)
_SENSATION_KEY = _compile(lex.SENSATION_KEY)
_PERSONAL = _compile(lex.PERSONAL)
_QUESTION_START = _compile(lex.QUESTION_START)
_NOT_PAIN_BEFORE = _compile(lex.NOT_PAIN_DURATION_BEFORE)
_NOT_PAIN_AFTER = _compile(lex.NOT_PAIN_DURATION_AFTER)


def key_span(match: re.Match[str]) -> tuple[int, int]:
    for name, value in match.groupdict().items():
        if value is not None and name.startswith("k"):
            return match.span(name)
    return match.span()


def sentence_at(text: str, pos: int) -> str:
    for m in _SENTENCE.finditer(text):
        if m.start() <= pos < m.end():
            return m.group(0)
    return text


def mentions_back_pain(text: str) -> bool:
    """True when `text` (normalised) talks about pain in the back, not 'going back'."""
    masked = _NOT_BACK.sub(" ", text)
    for m in _BACK.finditer(masked):
        window = masked[max(0, m.start() - 40): m.end() + 60]
        if _PAIN.search(window):
            return True
    return False


_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "couple": 2, "couple of": 2, "few": 3, "several": 3, "many": 4, "multiple": 3,
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
}
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "fortnight": 14, "month": 30, "mth": 30, "year": 365, "yr": 365}
LONG_PAIN_DAYS = 14  # "more than a couple of weeks" (policy); the corpus says "about two weeks"
_TRAILING_NOW = _compile(
    r"\s*(?:now|already|and counting|straight|on the trot|in a row|of (?:pain|this|it))\b")


def _days(match: re.Match[str]) -> float | None:
    """Length in days of a duration match, None when it names no number ("for ages")."""
    groups = match.groupdict()
    if groups.get("n2") or groups.get("n3"):
        word = groups.get("n2") or groups.get("n3")
        return 7.0 * (float(word) if word.isdigit() else _NUMBER_WORDS[word])
    if groups.get("n") is None:
        return None
    n = groups["n"]
    value = float(n) if n[0].isdigit() else _NUMBER_WORDS[n]
    unit = groups["unit"].rstrip("s")
    return value * _UNIT_DAYS[unit]


def long_duration(text: str, match: re.Match[str]) -> bool:
    """True when a duration match measures pain of more than about two weeks.

    "for 3 weeks", "nearly 20 days", "week four", "six weeks now", "since March" count;
    "10 days", "training for 3 years", "in 3 weeks", "3 weeks off" and "3 weeks ago" (unless
    the pain is still there) do not.
    """
    days = _days(match)
    if days is not None and days < LONG_PAIN_DAYS:
        return False
    before, after = text[: match.start()], text[match.end():]
    lead = (match.groupdict().get("lead") or "").strip()
    if days is not None and lead in ("", ",", ".", "!", "?", ";", "and", "but", "so"):
        # No "for/over/been..." in front: only "six weeks now", "3 weeks straight".
        if not _TRAILING_NOW.match(after):
            if not (after.lstrip().startswith("ago") and " still " in f" {text} "):
                return False
    if _NOT_PAIN_BEFORE.search(before + (lead + " " if lead.isalpha() else "")):
        return False
    if re.search(r"\b(?:in|within|every|per|once|twice|times|each)\s+$", before):
        return False
    m = _NOT_PAIN_AFTER.match(after)
    if m:
        return m.group(0).strip().startswith("ago") and " still " in f" {text} "
    return True


def is_general_question(text: str, pos: int) -> bool:
    """'What is sciatica?', 'how long does sciatica last?': about the condition, no report."""
    sentence = sentence_at(text, pos).strip(" ,")
    return bool(_QUESTION_START.match(sentence)) and not _PERSONAL.search(sentence)


def about_a_thing(text: str, match: re.Match[str]) -> bool:
    """'My laptop keyboard feels numb', 'Comfortably Numb': a sensation word about no body."""
    start, end = key_span(match)
    if not _SENSATION_KEY.search(text, start, end):
        return False
    sentence = sentence_at(text, start)
    return bool(_NOT_A_BODY.search(sentence)) and not _BODY_WORD.search(sentence)


def is_fiction(text: str) -> bool:
    """A story, role play or word game that does not speak of the user ("write a tale where...")."""
    fiction = _FICTION.search(text)
    return bool(fiction) and not _FIRST_PERSON.search(_FICTION.sub(" ", text))




# The policy refers *requests* for medication or doses. A medicine named in a statement ("I
# took ibuprofen and walked a lot", "I'm on blood pressure tablets") asks nothing, so it
# only counts in a sentence that asks or requests; dose words always count.
_DOSE_WORDS = re.compile(r"\d+ ?mg\b|\bdos(?:e|es|age|ing)\b|prescri|what (?:can|should|could) i take|"
                         r"take something for")
_REQUEST = re.compile(
    r"\?|^\W*(?:and |so |but |also |ok,? |okay,? )?(?:can|could|should|shall|may|is it|is that|are|do|does|"
    r"would|will|how|what|which|when|any|wat|wot|whats|what's)\b|"
    r"\b(?:give me|tell me|recommend|suggest|prescribe|advise|i need (?:some|something)|"
    r"i want (?:some|something)|get (?:me )?some|safe to take|ok to take|okay to take|fine to take|"
    r"good idea)\b")


def medication_request(text: str, match: re.Match[str]) -> bool:
    """True when the medicine named at `match` is asked about, not just mentioned."""
    if _DOSE_WORDS.search(match.group(0)):
        return True
    for m in _SENTENCE.finditer(text):
        if m.start() <= match.start() < m.end():
            asked = text[m.end():m.end() + 1] == "?"  # the sentence pattern leaves out its "?"
            return asked or bool(_REQUEST.search(m.group(0).strip()))
    return True
