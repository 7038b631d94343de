"""Safety triage: route a message to emergency / professional / answer / out_of_scope.

Two layers, chosen by measurement on the tuning part of `eval/triage.jsonl` (see
`eval/TRIAGE.md`):

1. A reviewed lexicon (`safety_lexicon.RULES`) of symptom patterns run on normalised
   text: typos of key terms are corrected first, and a NegEx-style scope lets "no
   numbness or tingling" clear a finding while "can't feel anything below my waist" or
   "not sure if it's numbness" do not. Every earlier user turn is scanned the same way,
   so a symptom reported two turns ago still counts, and a later explicit denial of the
   same symptom retracts it. Injection or role-play text never removes a finding. Rules
   are built from word classes (body region x sensation, bladder/bowel words x loss of
   control / sensation / retention, ...); some need context from the conversation (back
   pain for a duration or a fever, a leg nerve symptom for "now the other leg too"),
   durations are parsed into days, and a general question about a condition ("what is
   sciatica?") is a mention, not a report.
2. Cosine similarity of the message embedding to a few reviewed exemplars, used only
   where the lexicon is silent, as a backstop for paraphrased red flags; then a logistic
   regression trained on the labelled messages (`triage_model.py`) that may raise an
   "answer" or "out_of_scope" decision to a referral when it is confident, never lower one.
3. Topicality: a message is answered unless it is clearly about something else. Any
   exercise, body, training, injury or care word makes it on-topic (the engine's
   relevance threshold then declines what the corpus does not cover); without one, the
   embedding decides between the assistant's subjects (`ON_TOPIC_TOPICS`, the corpus's
   section subjects) and unrelated ones (`UNRELATED_TOPICS`). Requests for other output
   and injection without exercise content are out of scope.

Every decision carries reasons: the plain-words symptom (or trigger) behind it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import safety_lexicon as lex
from .embeddings import Embedder
from .triage_model import RouteModel
from .types import SEVERITY, Triage

OUT_OF_SCOPE_REASON = "not about exercise or back/leg symptoms"
REPURPOSE_REASON = "a request for something other than exercise guidance"
ANSWER_REASON = "an exercise question with no warning symptoms"
# The learned second opinion names no symptom, so its reasons say what it judged.
MODEL_REASONS = {
    "emergency": "symptoms that read like ones needing urgent care",
    "professional": "symptoms that read like ones a professional should check",
}

# Backstop thresholds, set on the tuning split (see eval/TRIAGE.md for the sweep).
FLAG_SIMILARITY = 0.70  # exemplar cosine a paraphrased red flag must reach ...
FLAG_MARGIN = 0.10  # ... and by how much it must beat the closest harmless exemplar
TOPIC_MARGIN = 0.05  # no domain word: on-topic when the subjects beat the unrelated ones by this
FOLLOW_UP_MARGIN = -0.15  # a follow-up pointing back into an on-topic chat: unless clearly elsewhere
FOLLOW_UP_WORDS = 12  # without an embedder, short follow-ups inherit the chat's topic
SHORT_FOLLOW_UP = 4  # "and after that?", "really?": a follow-up even without a pronoun


# --------------------------------------------------------------------------- normalising
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_WORD = re.compile(r"[a-z]+")
_RUN_TOGETHER = tuple((re.compile(p), r) for p, r in lex.RUN_TOGETHER)
_CONTRACTION = re.compile(r"\b(" + "|".join(lex.CONTRACTIONS) + r")\b")


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _allowed_typos(length: int) -> int:
    return 0 if length < 5 else 1 if length < 8 else 2


@lru_cache(maxsize=1)
def _typo_index() -> dict[str, tuple[str, ...]]:
    """SymSpell-style index: every one-letter deletion of each key term -> terms."""
    index: dict[str, set[str]] = {}
    for term in lex.FUZZY_TERMS:
        for variant in {term, *(term[:i] + term[i + 1:] for i in range(len(term)))}:
            index.setdefault(variant, set()).add(term)
    return {k: tuple(sorted(v)) for k, v in index.items()}


@lru_cache(maxsize=4096)
def correct_typo(word: str) -> str:
    """Map a misspelt key term ("numbnes", "tinglng", "bladdr") to the term, else unchanged."""
    if len(word) < 5 or word in lex.PROTECTED_WORDS or word in lex.FUZZY_TERMS:
        return word
    index = _typo_index()
    candidates: set[str] = set()
    for variant in {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}:
        candidates.update(index.get(variant, ()))
    best, best_distance = word, 99
    for term in sorted(candidates):
        limit = min(_allowed_typos(len(word)), _allowed_typos(len(term)))
        distance = _edit_distance(word, term)
        if 0 < distance <= limit and distance < best_distance:
            best, best_distance = term, distance
    return best


@lru_cache(maxsize=2048)
def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, run-together words split, contractions restored, typos fixed."""
    text = text.translate(_APOSTROPHES).lower()
    for pattern, replacement in _RUN_TOGETHER:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    text = _CONTRACTION.sub(lambda m: lex.CONTRACTIONS[m.group(1)], text)
    return _WORD.sub(lambda m: correct_typo(m.group(0)), text)


# --------------------------------------------------------------------------- lexicon
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_RULES = tuple((rule, _compile(rule.pattern)) for rule in lex.RULES)
_UNLESS = {id(rule): _compile(rule.unless) for rule in lex.RULES if rule.unless}
_NEGATION = _compile(lex.NEGATION_TRIGGERS)
_PSEUDO = _compile(lex.PSEUDO_NEGATIONS)
_TERMINATOR = _compile(lex.NEGATION_TERMINATORS)
_SYMPTOM_WORD = _compile(lex.SYMPTOM_WORD)
_RULED_OUT_AFTER = _compile(r"(?:\w+ ){0,3}?(?:was |has been |been |is |were )?ruled out")
_SENTENCE = _compile(r"[^.!?;\n]+")
_BACK = _compile(lex.BACK)
_NOT_BACK = _compile(lex.NOT_BACK)
_PAIN = _compile(lex.PAIN)
_DOMAIN = _compile(r"\b(?:" + lex.DOMAIN + ")")
_INJECTION = _compile(lex.INJECTION)
_OFF_TOPIC = _compile(lex.OFF_TOPIC_REQUEST + "|" + lex.FICTION_REQUEST)
_FICTION = _compile(lex.FICTION_REQUEST)
_FIRST_PERSON = _compile(lex.FIRST_PERSON)
_NOT_A_BODY = _compile(lex.NOT_A_BODY)
_BODY_WORD = _compile(lex.BODY_WORD)
_SENSATION_KEY = _compile(lex.SENSATION_KEY)
_TOPIC_SWITCH = _compile(lex.TOPIC_SWITCH)
_REFERENTIAL = _compile(lex.REFERENTIAL)
_LEG_SYMPTOM = _compile(lex.LEG_SYMPTOM)
_PERSONAL = _compile(lex.PERSONAL)
_QUESTION_START = _compile(lex.QUESTION_START)
_NOT_PAIN_BEFORE = _compile(lex.NOT_PAIN_DURATION_BEFORE)
_NOT_PAIN_AFTER = _compile(lex.NOT_PAIN_DURATION_AFTER)


@dataclass(frozen=True)
class Finding:
    """One symptom pattern matched in one message, possibly negated."""

    concept: str
    route: str
    reason: str
    negated: bool
    general: bool = False  # "what is sciatica?": a mention, neither a report nor a denial
    thing: bool = False  # "my keyboard feels numb": a symptom word about no body at all


def _negation_scopes(text: str) -> list[tuple[int, int, int]]:
    """(trigger start, trigger end, scope end) for each real negation in `text`."""
    pseudo = [m.span() for m in _PSEUDO.finditer(text)]
    scopes = []
    for m in _NEGATION.finditer(text):
        if any(a <= m.start() < b for a, b in pseudo):
            continue
        end = len(text)
        terminator = _TERMINATOR.search(text, m.end())
        if terminator:
            end = terminator.start()
        comma = text.find(",", m.end(), end)
        if comma != -1 and not _SYMPTOM_WORD.search(text, m.end(), comma):
            end = comma
        words = list(_WORD.finditer(text, m.end(), end))
        if len(words) > lex.NEGATION_WINDOW:
            end = words[lex.NEGATION_WINDOW - 1].end()
        scopes.append((m.start(), m.end(), end))
    return scopes


def _is_negated(text: str, key: tuple[int, int], scopes: list[tuple[int, int, int]]) -> bool:
    k_start, k_end = key
    for t_start, t_end, s_end in scopes:
        # A negation inside the symptom words is the symptom ("can't feel my foot").
        if t_start < k_end and k_start < t_end:
            continue
        if t_end <= k_start < s_end:
            return True
    return bool(_RULED_OUT_AFTER.match(text, k_end + 1))


def _key_span(match: re.Match[str]) -> tuple[int, int]:
    for name, value in match.groupdict().items():
        if value is not None and name.startswith("k"):
            return match.span(name)
    return match.span()


def _sentence_at(text: str, pos: int) -> str:
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


def _long_duration(text: str, match: re.Match[str]) -> bool:
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


def _is_general_question(text: str, pos: int) -> bool:
    """'What is sciatica?', 'how long does sciatica last?': about the condition, no report."""
    sentence = _sentence_at(text, pos).strip(" ,")
    return bool(_QUESTION_START.match(sentence)) and not _PERSONAL.search(sentence)


_CHECKS = {"duration": _long_duration}


def _about_a_thing(text: str, match: re.Match[str]) -> bool:
    """'My laptop keyboard feels numb', 'Comfortably Numb': a sensation word about no body."""
    start, end = _key_span(match)
    if not _SENSATION_KEY.search(text, start, end):
        return False
    sentence = _sentence_at(text, start)
    return bool(_NOT_A_BODY.search(sentence)) and not _BODY_WORD.search(sentence)


def is_fiction(text: str) -> bool:
    """A story, role play or word game that does not speak of the user ("write a tale where...")."""
    fiction = _FICTION.search(text)
    return bool(fiction) and not _FIRST_PERSON.search(_FICTION.sub(" ", text))


@lru_cache(maxsize=2048)
def find_symptoms(text: str, back_pain: bool, leg_symptom: bool = False) -> tuple[Finding, ...]:
    """Every lexicon rule that matches normalised `text`, one finding per concept.

    `back_pain` / `leg_symptom`: whether the conversation mentions back pain / a leg nerve
    symptom, which some rules need as context (a duration, a fever, "the other leg too").
    """
    scopes = _negation_scopes(text)
    by_concept: dict[str, Finding] = {}
    for rule, pattern in _RULES:
        if (rule.needs_back_pain and not back_pain) or (rule.needs_leg_symptom and not leg_symptom):
            continue
        for match in pattern.finditer(text):
            unless = _UNLESS.get(id(rule))
            if unless and unless.search(_sentence_at(text, match.start())):
                continue
            if rule.check and not _CHECKS[rule.check](text, match):
                continue
            if _about_a_thing(text, match):
                by_concept.setdefault(rule.concept, Finding(
                    rule.concept, rule.route, rule.reason, negated=True, general=True, thing=True))
                continue
            if rule.personal and _is_general_question(text, match.start()):
                by_concept.setdefault(rule.concept, Finding(
                    rule.concept, rule.route, rule.reason, negated=True, general=True))
                continue
            negated = _is_negated(text, _key_span(match), scopes)
            seen = by_concept.get(rule.concept)
            # Affirmed beats negated within one message ("no pain, but my shin is numb").
            if seen is None or seen.general or (seen.negated and not negated):
                by_concept[rule.concept] = Finding(rule.concept, rule.route, rule.reason, negated)
    return tuple(by_concept.values())


def _user_turns(history: Sequence[Mapping[str, str]]) -> list[str]:
    return [t.get("content", "") for t in history if t.get("role") == "user" and t.get("content")]


def lexicon_findings(message: str, history: Sequence[Mapping[str, str]] = ()) -> list[Finding]:
    """Affirmed findings over the conversation; a later denial retracts an earlier report."""
    return [f for f in _scan(message, history)[0].values() if not f.negated]


def _scan(
    message: str, history: Sequence[Mapping[str, str]]
) -> tuple[dict[str, Finding], tuple[Finding, ...], bool]:
    """(latest finding per concept, findings in `message`, earlier user turns on-topic)."""
    earlier = [normalise(t) for t in _user_turns(history)]
    text = normalise(message)
    back_pain = any(mentions_back_pain(t) for t in (*earlier, text))
    leg_symptom = any(_LEG_SYMPTOM.search(t) for t in (*earlier, text))
    state: dict[str, Finding] = {}
    history_on_topic = False
    for turn in earlier:
        found = find_symptoms(turn, back_pain, leg_symptom)
        history_on_topic = history_on_topic or bool(found) or bool(_DOMAIN.search(turn))
        state.update((f.concept, f) for f in found if not f.general)
    current = find_symptoms(text, back_pain, leg_symptom)
    if is_fiction(text):  # a story's symptoms are mentions: they neither report nor retract
        current = tuple(Finding(f.concept, f.route, f.reason, negated=True, general=True)
                        for f in current)
    # A general question about a condition neither reports nor retracts it.
    state.update((f.concept, f) for f in current if not f.general)
    return state, current, history_on_topic


def clear_caches() -> None:
    """Forget cached per-message work (benchmarks time the uncached path)."""
    normalise.cache_clear()
    find_symptoms.cache_clear()


def _decide(findings: Sequence[Finding]) -> Triage | None:
    if not findings:
        return None
    route = max((f.route for f in findings), key=SEVERITY.__getitem__)
    reasons = tuple(dict.fromkeys(f.reason for f in findings if f.route == route))
    return Triage(route, reasons)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- triager
@dataclass(frozen=True)
class _Bank:
    vectors: np.ndarray  # (n, d) exemplar embeddings
    routes: tuple[str, ...]
    reasons: tuple[str, ...]


class Triager:
    """Decides the route for the latest user message given earlier user turns."""

    def __init__(self, embedder: Embedder | None = None, model: RouteModel | None = None):
        self.embedder = embedder
        self.model = model  # learned second opinion: may raise a route, never lower it
        self._bank: _Bank | None = None

    def _exemplars(self) -> _Bank | None:
        if self.embedder is None:
            return None
        if self._bank is None:
            rows = [*lex.EXEMPLARS,
                    *(("topic", "", t) for t in lex.ON_TOPIC_TOPICS),
                    *(("unrelated", "", t) for t in lex.UNRELATED_TOPICS)]
            routes, reasons, texts = zip(*rows, strict=True)
            vectors = np.asarray(self.embedder.embed(list(texts)), dtype=np.float32)
            self._bank = _Bank(vectors, routes, reasons)
        return self._bank

    def similarities(self, vector: np.ndarray) -> dict[str, tuple[float, str]]:
        """Best cosine per exemplar route (and per topic list: "topic" / "unrelated")."""
        bank = self._exemplars()
        assert bank is not None
        scores = bank.vectors @ np.asarray(vector, dtype=np.float32).reshape(-1)
        best: dict[str, tuple[float, str]] = {}
        for score, route, reason in zip(scores.tolist(), bank.routes, bank.reasons, strict=True):
            if route not in best or score > best[route][0]:
                best[route] = (score, reason)
        return best

    @staticmethod
    def topic_margin(sims: Mapping[str, tuple[float, str]]) -> float:
        """How much closer a message lies to the assistant's subjects than to unrelated ones."""
        on = max(sims[r][0] for r in ("answer", "professional", "emergency", "topic"))
        off = max(sims["out_of_scope"][0], sims["unrelated"][0])
        return on - off

    def triage(
        self,
        message: str,
        history: Sequence[Mapping[str, str]] = (),
        vector: np.ndarray | None = None,
    ) -> Triage:
        if self.model is not None and vector is None and self.embedder is not None:
            vector = self.embedder.embed([message])[0]
        scanned = _scan(message, history)
        decided = self._by_rules(message, vector, *scanned)
        if self.model is None or vector is None or SEVERITY[decided.route] >= SEVERITY["professional"]:
            return decided
        raised = self.model.raised_route(vector)
        if raised is None:
            return decided
        # Like the exemplar backstop, the model cannot read negation: an explicit denial
        # ("my foot doesn't go numb, it just gets tired") holds back a referral, never an
        # emergency.
        denied = any(f.negated and not f.general for f in scanned[1])
        if denied and raised == "professional":
            return decided
        return Triage(raised, (MODEL_REASONS[raised],))  # type: ignore[arg-type]

    def _by_rules(
        self,
        message: str,
        vector: np.ndarray | None,
        state: dict[str, Finding],
        current: tuple[Finding, ...],
        history_on_topic: bool,
    ) -> Triage:
        """The lexicon, the exemplar backstop and topicality, over one `_scan` of the chat."""
        decided = _decide([f for f in state.values() if not f.negated])
        if decided is not None:
            return decided

        text = normalise(message)
        if vector is None and self.embedder is not None:
            vector = self.embedder.embed([message])[0]
        sims = self.similarities(vector) if vector is not None and self.embedder is not None else None

        # Embeddings ignore negation ("no numbness" sits next to "numbness"), so a message
        # that denies a symptom never reaches the backstop.
        if sims is not None and not current:
            flag_route = max(("emergency", "professional"), key=lambda r: sims[r][0])
            flag_score, flag_reason = sims[flag_route]
            if flag_score >= FLAG_SIMILARITY and flag_score - sims["answer"][0] >= FLAG_MARGIN:
                return Triage(flag_route, (flag_reason,))  # type: ignore[arg-type]

        if _OFF_TOPIC.search(text):
            repurpose = _INJECTION.search(text) or _FICTION.search(text)
            reason = REPURPOSE_REASON if repurpose else OUT_OF_SCOPE_REASON
            return Triage("out_of_scope", (reason,))
        # A denied symptom ("no numbness, just tight") is still a message about symptoms.
        on_topic = any(not f.thing for f in current) or bool(_DOMAIN.search(text))
        if current and not on_topic:  # only "numb" keyboards and songs
            return Triage("out_of_scope", (OUT_OF_SCOPE_REASON,))
        if _INJECTION.search(text) and not on_topic:
            return Triage("out_of_scope", (REPURPOSE_REASON,))
        if on_topic:
            return Triage("answer", (ANSWER_REASON,))
        if _TOPIC_SWITCH.search(text):  # "totally random, but..." with no exercise word
            return Triage("out_of_scope", (OUT_OF_SCOPE_REASON,))
        # No exercise or body word: refuse only what is clearly about something else. What
        # is merely unclear is answered, and the engine's relevance threshold declines what
        # the corpus does not cover.
        follow_up = history_on_topic
        refers_back = follow_up and (bool(_REFERENTIAL.search(text))
                                     or len(_WORD.findall(text)) <= SHORT_FOLLOW_UP)
        if sims is not None:
            margin = self.topic_margin(sims)
            if margin >= TOPIC_MARGIN or (refers_back and margin >= FOLLOW_UP_MARGIN):
                return Triage("answer", (ANSWER_REASON,))
        elif follow_up and len(_WORD.findall(text)) <= FOLLOW_UP_WORDS:
            return Triage("answer", (ANSWER_REASON,))
        return Triage("out_of_scope", (OUT_OF_SCOPE_REASON,))
