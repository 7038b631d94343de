"""Front matter `also_asked`: other ways members ask what a section answers.

They travel with the section's first chunk (content hash, Chroma metadata, snapshot) and
lead a member's wording to the right passage when the heading's own words do not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chunking import chunk_sections
from assistant.corpus import load_documents, parse_document, split_sections
from assistant.engine import Assistant
from assistant.errors import CorpusError

BODY = """
## How do I stop the platform slipping when I push?

Press through your whole foot so the platform moves smoothly, and keep your push steady.

## What is the pin on the seat for?

The pin locks the seat at the distance you choose, so it must click fully into its hole.
Check it before every set, so the next member finds it locked as well.
"""

ASKED = """also_asked:
  What is the pin on the seat for?:
    - why does my seat slide back when I push hard
    - "the chair part keeps moving on me mid set, how do I fix it"
"""


def _write(folder: Path, with_asked: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    front = f"---\ntitle: Machine care\nid: machine-care\n{ASKED if with_asked else ''}---\n"
    (folder / "machine-care.md").write_text(front + BODY, encoding="utf-8")
    return folder


def test_also_asked_is_parsed_onto_the_first_chunk_of_its_section(tmp_path):
    (doc,) = load_documents([_write(tmp_path / "c", with_asked=True)])
    sections = split_sections(doc)
    assert [s.also_asked for s in sections] == [
        (), ("why does my seat slide back when I push hard",
             "the chair part keeps moving on me mid set, how do I fix it")]
    chunks = chunk_sections(sections, max_chars=90)
    cleaning = [c for c in chunks if c.section.endswith("for?")]
    assert len(cleaning) == 2 and cleaning[0].also_asked and not cleaning[1].also_asked
    # The questions are part of the content hash: editing them re-stores that chunk only.
    (plain,) = load_documents([_write(tmp_path / "p", with_asked=False)])
    plain_chunks = chunk_sections(split_sections(plain), max_chars=90)
    changed = {c.id for c in chunks} ^ {c.id for c in plain_chunks}
    assert changed == {cleaning[0].id, next(c.id for c in plain_chunks
                                            if c.section == cleaning[0].section)}


@pytest.mark.parametrize("front, message", [
    ("also_asked:\n  No such heading?:\n    - a question\n", "No such heading"),
    ("also_asked:\n  - just a list\n", "must map each heading"),
    ("also_asked:\n  What is the pin on the seat for?: {a: b}\n", "must be a list of questions"),
])
def test_bad_also_asked_is_a_clear_error(front, message):
    doc = parse_document if "must map" in message else None
    text = f"---\ntitle: T\n{front}---\n{BODY}"
    with pytest.raises(CorpusError, match=message):
        split_sections(parse_document(text, "care.md")) if doc is None else doc(text, "care.md")


def test_a_members_wording_finds_the_section_through_also_asked(settings, tmp_path):
    question = "my seat slides back when I push hard, why?"

    def first_cited(with_asked: bool) -> str:
        local = settings.model_copy(update={
            "data_dir": tmp_path / f"data-{with_asked}",
            "corpus_dirs": [_write(tmp_path / f"corpus-{with_asked}", with_asked)],
            "extra_corpus_dirs": []})
        bot = Assistant.load(local, progress=False)
        reply = bot.ask(question)
        assert reply.route == "answer", reply
        if with_asked:  # also travels through Chroma and the snapshot
            reopened = Assistant.load(local, progress=False)
            assert [c.also_asked for c in reopened.chunks()] == [c.also_asked for c in bot.chunks()]
            assert any(c.also_asked for c in reopened.chunks())
        return reply.citations[0].section

    assert first_cited(with_asked=True).endswith("What is the pin on the seat for?")
    # The heading's words alone lead elsewhere: the test shows what also_asked adds.
    assert first_cited(with_asked=False).endswith("How do I stop the platform slipping when I push?")


def test_section_scores_are_each_sections_best_row_and_best_question_row():
    """Scores come from one gather over padded rows; they equal the per-section maxima, a
    section without question rows scores -inf there, and a repeated vector gives the same."""
    import numpy as np

    from assistant.asked import QuestionIndex
    from assistant.types import Chunk

    sections = [Chunk(id=f"c{i}", doc_id="d", title="T", section=f"T › S{i}", text="t")
                for i in range(3)]
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((6, 4)).astype(np.float32)
    owner = np.array([0, 0, 1, 2, 2, 2], dtype=np.int32)
    is_question = np.array([False, True, False, True, False, True])
    index = QuestionIndex(sections, vectors, owner, is_question)
    v = rng.standard_normal(4).astype(np.float32)
    best, asked = index.scores(v)
    sims = vectors @ v
    assert np.allclose(best, [sims[:2].max(), sims[2], sims[3:].max()])
    assert asked[0] == sims[1] and asked[1] == -np.inf and asked[2] == max(sims[3], sims[5])
    again = index.scores(v)
    assert np.array_equal(again[0], best) and np.array_equal(again[1], asked)
    other = index.scores(-v)
    assert np.allclose(other[0], [(-sims[:2]).max(), -sims[2], (-sims[3:]).max()])
