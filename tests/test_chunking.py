from assistant.chunking import chunk_section, chunk_sections, split_sentences
from assistant.corpus import load_documents, split_sections
from assistant.settings import PROJECT_ROOT
from assistant.types import Section


def test_sentences_split_on_punctuation_lists_and_paragraphs():
    text = 'Keep your back flat. Don\'t lock out! Why? Because "it hurts."\n- Item one is here.\n' \
           "- Item two, e.g. this, stays whole.\n\nNew paragraph."
    assert split_sentences(text) == [
        "Keep your back flat.", "Don't lock out!", "Why?", 'Because "it hurts."',
        "- Item one is here.", "- Item two, e.g. this, stays whole.", "New paragraph.",
    ]


def test_chunks_never_cut_a_sentence_and_quote_the_section_verbatim():
    sentences = [f"Sentence number {i} says something useful about the leg press." for i in range(30)]
    section = Section("d", "Doc", ("Heading",), " ".join(sentences))
    chunks = chunk_section(section, max_chars=200)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.text in section.text
        assert len(chunk.text) <= 200
        assert set(split_sentences(chunk.text)) <= set(sentences)
    assert " ".join(c.text for c in chunks) == section.text


def test_long_sentence_is_its_own_chunk():
    long = "Word " + "word " * 100 + "end."
    chunks = chunk_section(Section("d", "Doc", (), f"Short one. {long.strip()} Short two."), 100)
    assert [c.text for c in chunks][1] == long.strip()


def test_ids_are_stable_content_hashes():
    section = Section("d", "Doc", ("H",), "One sentence. Two sentences.")
    a, b = chunk_section(section, 500), chunk_section(section, 500)
    assert [c.id for c in a] == [c.id for c in b]
    changed = chunk_section(Section("d", "Doc", ("H",), "One sentence. Two changed."), 500)
    assert changed[0].id != a[0].id


def test_real_corpus_chunks_fit_and_carry_sections():
    for doc in load_documents([PROJECT_ROOT / "corpus"]):
        chunks = chunk_sections(split_sections(doc), 1000)
        assert chunks
        for chunk in chunks:
            assert chunk.section.startswith(doc.title)
            assert len(chunk.text) <= 1000 or len(split_sentences(chunk.text)) == 1
