"""Matching the reviewed rules (`rules.py`) against a conversation's user turns.

Every user turn is normalised and scanned; a finding is a rule that matched, with
whether a negation cleared it, and whether it is a mention rather than a report (a
general question, a numb keyboard, a story). The latest finding per concept wins, so a
later explicit denial retracts an earlier report, and injection or role-play text never
removes a finding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..types import SEVERITY, Triage
from . import vocabulary as lex
from .checks import about_a_thing, is_fiction, is_general_question, key_span, mentions_back_pain, sentence_at
from .negation import is_negated, negation_scopes
from .normalise import normalise
from .rules import RULES

_RULES = tuple((rule, re.compile(rule.pattern)) for rule in RULES)
_UNLESS = {id(rule): re.compile(rule.unless) for rule in RULES if rule.unless}
_LEG_SYMPTOM = re.compile(lex.LEG_SYMPTOM)
DOMAIN = re.compile(r"\b(?:" + lex.DOMAIN + ")")
_CORRECTION = re.compile(lex.CORRECTION)
_CORRECTION_DENIAL = re.compile(lex.CORRECTION_DENIAL)


@dataclass(frozen=True)
class Finding:
    """One symptom pattern matched in one message, possibly negated."""

    concept: str
    route: str
    reason: str
    negated: bool
    general: bool = False  # "what is sciatica?": a mention, neither a report nor a denial
    thing: bool = False  # "my keyboard feels numb": a symptom word about no body at all


@lru_cache(maxsize=2048)
def find_symptoms(text: str, back_pain: bool, leg_symptom: bool = False) -> tuple[Finding, ...]:
    """Every lexicon rule that matches normalised `text`, one finding per concept.

    `back_pain` / `leg_symptom`: whether the conversation mentions back pain / a leg nerve
    symptom, which some rules need as context (a duration, a fever, "the other leg too").
    """
    scopes = negation_scopes(text)
    by_concept: dict[str, Finding] = {}
    for rule, pattern in _RULES:
        if (rule.needs_back_pain and not back_pain) or (rule.needs_leg_symptom and not leg_symptom):
            continue
        for match in pattern.finditer(text):
            unless = _UNLESS.get(id(rule))
            if unless and unless.search(sentence_at(text, match.start())):
                continue
            if rule.check is not None and not rule.check(text, match):
                continue
            if about_a_thing(text, match):
                by_concept.setdefault(rule.concept, Finding(
                    rule.concept, rule.route, rule.reason, negated=True, general=True, thing=True))
                continue
            if rule.personal and is_general_question(text, match.start()):
                by_concept.setdefault(rule.concept, Finding(
                    rule.concept, rule.route, rule.reason, negated=True, general=True))
                continue
            negated = is_negated(text, key_span(match), scopes)
            seen = by_concept.get(rule.concept)
            # Affirmed beats negated within one message ("no pain, but my shin is numb").
            if seen is None or seen.general or (seen.negated and not negated):
                by_concept[rule.concept] = Finding(rule.concept, rule.route, rule.reason, negated)
    return tuple(by_concept.values())


def user_turns(history: Sequence[Mapping[str, str]]) -> list[str]:
    return [t.get("content", "") for t in history if t.get("role") == "user" and t.get("content")]


def lexicon_findings(message: str, history: Sequence[Mapping[str, str]] = ()) -> list[Finding]:
    """Affirmed findings over the conversation; a later denial retracts an earlier report."""
    return [f for f in scan(message, history)[0].values() if not f.negated]


def scan(
    message: str, history: Sequence[Mapping[str, str]]
) -> tuple[dict[str, Finding], tuple[Finding, ...], bool]:
    """(latest finding per concept, findings in `message`, earlier user turns on-topic)."""
    earlier = [normalise(t) for t in user_turns(history)]
    text = normalise(message)
    back_pain = any(mentions_back_pain(t) for t in (*earlier, text))
    leg_symptom = any(_LEG_SYMPTOM.search(t) for t in (*earlier, text))
    state: dict[str, Finding] = {}
    history_on_topic = False
    for turn in earlier:
        found = find_symptoms(turn, back_pain, leg_symptom)
        history_on_topic = history_on_topic or bool(found) or bool(DOMAIN.search(turn))
        state.update((f.concept, f) for f in found if not f.general)
    current = find_symptoms(text, back_pain, leg_symptom)
    if is_fiction(text):  # a story's symptoms are mentions: they neither report nor retract
        current = tuple(Finding(f.concept, f.route, f.reason, negated=True, general=True)
                        for f in current)
    if is_correction(text) and any(not f.negated and not f.general for f in current):
        state = {}  # a corrected account that reports its own symptoms replaces the earlier one
    # A general question about a condition neither reports nor retracts it.
    state.update((f.concept, f) for f in current if not f.general)
    return state, current, history_on_topic


def is_correction(text: str) -> bool:
    """'Sorry, I meant only the left leg, the right is fine': corrects an earlier report."""
    if not _CORRECTION.search(text):
        return False
    return bool(negation_scopes(text)) or bool(_CORRECTION_DENIAL.search(text))


def clear_caches() -> None:
    """Forget cached per-message work (benchmarks time the uncached path)."""
    normalise.cache_clear()
    find_symptoms.cache_clear()


def decide(findings: Sequence[Finding]) -> Triage | None:
    if not findings:
        return None
    route = max((f.route for f in findings), key=SEVERITY.__getitem__)
    reasons = tuple(dict.fromkeys(f.reason for f in findings if f.route == route))
    return Triage(route, reasons)  # type: ignore[arg-type]


