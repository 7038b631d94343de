"""Answer composition (pure): grounded sentences, [n] markers, no duplicates, reading order."""

import numpy as np

from assistant.answer import compose, ungrounded_sentences, unresolved_markers
from assistant.types import Chunk, Citation, Hit


def _unit(*values):
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


Q = _unit(1, 0, 0)
A = Chunk("a", "tech", "Technique", "Technique › Knees",
          "Don't lock your knees at the top. Keep a soft bend in them at the top. "
          "The seat has a lever:")
B = Chunk("b", "tech", "Technique", "Technique › Breathing",
          "Breathe out as you push the platform. Breathe in as you lower it slowly.")
VECTORS = {
    "a": np.stack([_unit(1, 0.1, 0), _unit(1, 0.12, 0), _unit(0, 1, 0)]),
    "b": np.stack([_unit(0.9, 0.5, 0), _unit(0, 0, 1)]),
}
HITS = [Hit(A, 0.03, 0.8, 1), Hit(B, 0.02, 0.6, 2)]


def test_sentences_come_verbatim_from_cited_passages_with_resolving_markers():
    text, citations = compose("lock knees", Q, HITS, VECTORS, max_sentences=3)
    assert text and citations
    assert unresolved_markers(text, citations) == []
    assert ungrounded_sentences(text, citations) == []
    assert [c.n for c in citations] == list(range(1, len(citations) + 1))
    assert citations[0].text == A.text and citations[0].section == "Technique › Knees"


def test_near_duplicate_sentences_are_not_repeated():
    text, _ = compose("lock knees", Q, HITS, VECTORS, max_sentences=3)
    # the two knee sentences have cosine > 0.9: only one of them is used
    assert ("Don't lock your knees" in text) != ("Keep a soft bend" in text)


def test_list_lead_ins_and_fragments_are_skipped():
    text, _ = compose("seat lever", _unit(0, 1, 0), HITS, VECTORS, max_sentences=3)
    assert "lever:" not in text


def test_sentences_are_in_reading_order():
    # the second sentence scores higher, but the answer keeps the passage's order
    text, _ = compose("breathe", Q, [Hit(B, 1, 0.9, 1)],
                      {"b": np.stack([_unit(0.9, 0, 0.43), _unit(0.95, 0.31, 0)])},
                      max_sentences=2)
    assert text.index("Breathe out") < text.index("Breathe in")


def test_no_hits_gives_empty_answer():
    assert compose("x", Q, [], {}) == ("", ())


def test_checks_catch_unresolved_markers_and_invented_text():
    cites = (Citation(1, "d", "T", "T", "Keep a soft bend in your knees.", 0.5),)
    assert unresolved_markers("Something [1] and more [2].", cites) == [2]
    assert ungrounded_sentences("Keep a soft bend in your knees. [1]", cites) == []
    assert ungrounded_sentences("Lock your knees hard. [1]", cites) == ["Lock your knees hard."]
