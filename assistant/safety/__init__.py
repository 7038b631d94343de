"""Safety triage: route a conversation to emergency / professional / answer / out_of_scope.

One module per step, each small: `normalise` (case, typos, contractions), `negation`
(NegEx scopes), `vocabulary` and `rules` (the reviewed never-miss phrases, as data, with
the `checks` they need as callables), `lexicon` (matching rules over the user turns),
`model` (the learned head over sentence vectors, shipped as `triage_model.npz`),
`language` (messages the assistant cannot read), and `triager` (the ordered stages).
`train` fits the model (`assistant triage train`); `labelled` reads the labelled sets.
"""

from .lexicon import Finding, clear_caches, lexicon_findings
from .model import RouteModel
from .normalise import correct_typo, normalise
from .shipped import TriageModelError, load_shipped_model
from .triager import ANSWER_REASON, OUT_OF_SCOPE_REASON, REPURPOSE_REASON, Triager

__all__ = [
    "ANSWER_REASON",
    "OUT_OF_SCOPE_REASON",
    "REPURPOSE_REASON",
    "Finding",
    "RouteModel",
    "TriageModelError",
    "Triager",
    "clear_caches",
    "correct_typo",
    "lexicon_findings",
    "load_shipped_model",
    "normalise",
]
