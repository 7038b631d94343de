"""Answer composition (pure): grounded sentences, [n] markers, no duplicates, reading order."""

import numpy as np

from assistant.answer import compose, focus, ungrounded_sentences, unresolved_markers
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


# -- answer units: the passage whose heading fits the question, hedges, labels ---------

C = Chunk("c", "ex", "Exercises", "Exercises › Which core exercises protect my back?",
          "Four exercises train your trunk to hold your back steady.\n"
          "- Front plank: hold a straight line.\n- Side plank: hold your hips up on one elbow.")
D = Chunk("d", "ex", "Exercises", "Exercises › Do core exercises fix back pain?",
          "Core exercises build strength but are not a cure for back pain.")
H = Chunk("h", "ex", "Exercises", "Exercises › Where advice differs",
          "Some trainers say press your back flat on a dead bug, others say keep its curve.")


def _passages():
    vectors = {"c": np.stack([_unit(0.6, 1, 0), _unit(0.5, 1, 0), _unit(0.5, 1, 0)]),
               "d": np.stack([_unit(1, 0.2, 0)]),
               "h": np.stack([_unit(1, 0.1, 0)])}
    hits = [Hit(D, 0.05, 0.7, 1), Hit(C, 0.04, 0.7, 2), Hit(H, 0.03, 0.7, 3)]
    return hits, vectors


def test_the_passage_whose_heading_asks_the_question_is_answered_from():
    hits, vectors = _passages()
    question = "Which core exercises are best for my back?"
    # by sentences alone the generic "not a cure" sentence wins ...
    text, _ = compose(question, Q, hits, vectors)
    assert "not a cure" in text
    # ... with headings scored, the passage headed by the member's question answers, as a list
    text, citations = compose(question, Q, hits, vectors, heading_similarity=[0.6, 0.95, 0.3])
    assert citations[0].section.endswith("Which core exercises protect my back?")
    assert "\n- Front plank: hold a straight line. [1]\n- Side plank" in text


def test_where_advice_differs_answers_only_questions_about_disagreement():
    hits, vectors = _passages()
    text, _ = compose("dead bug back flat?", _unit(1, 0.1, 0), [hits[2]], vectors)
    assert "Some trainers" in text  # nothing else retrieved: still answered
    text, _ = compose("dead bug back flat?", _unit(1, 0.1, 0), hits, vectors)
    assert "Some trainers" not in text
    text, _ = compose("do trainers disagree about the dead bug?", _unit(1, 0.1, 0), hits, vectors)
    assert "Some trainers" in text


def test_a_heading_label_with_commas_is_not_fused_into_the_answer():
    chunk = Chunk("k", "a", "Article", "Article › Causes",
                  "Hip, Knee, and Ankle Injuries: Injuries in the legs can affect your back.")
    text, _ = compose("can a knee injury affect my back", Q, [Hit(chunk, 1, 0.8, 1)],
                      {"k": np.stack([_unit(1, 0, 0)])})
    assert text.startswith("Injuries in the legs can affect your back.")



def test_a_label_heading_is_not_scored_against_the_question():
    from assistant.answer import best_passage, candidates

    hits, vectors = _passages()
    cands = candidates("which core exercises?", Q, hits, vectors)
    # passage 1 wins on its question-heading; with that heading unknown (a label, None),
    # passages are compared on their sentences alone
    assert best_passage(cands, [0.6, 0.95, 0.3]) == 1
    assert best_passage(cands, [0.6, None, 0.3]) == best_passage(cands, None) == 0


STORY = ("I coach a footballer who had knee surgery a year ago and has been signed off by his "
         "physio, but he still favours his left leg and his right thigh is visibly smaller. On "
         "the normal leg press I can see him shifting to the left every single set. I'm thinking "
         "of adding single-leg leg press to even things up. How should I set it up for him?")


def test_focus_finds_the_question_at_the_end_of_a_story():
    short = "How deep should I go on the leg press?"
    assert focus(short) == short
    story = STORY.replace("How should I set it up for him?",
                          "How much weight should a beginner put on the single-leg press?")
    assert focus(story) == "How much weight should a beginner put on the single-leg press?"


def test_a_question_that_points_back_keeps_the_sentence_it_points_to():
    # "set it up": without the sentence before, "it" could be anything.
    assert focus(STORY) == ("I'm thinking of adding single-leg leg press to even things up. "
                            "How should I set it up for him?")
