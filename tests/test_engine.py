"""The reply contract end to end on the real index."""

import re

import pytest

from assistant import messages
from assistant.answer import normalise_space, ungrounded_sentences, unresolved_markers
from assistant.errors import InvalidQuestionError

ON_TOPIC = [
    "How do I stop my lower back rounding at the bottom of the leg press?",
    "should I breathe out when pushing?",
    "what's a good warm-up before leg day?",
    "how do I do a bird dog",
    "How much weight should I add each week on the leg press?",
    "my quads are really sore 2 days after leg day, normal?",
    "Is it ok to lock my knees at the top?",
    "I tweaked my back last week, when can I leg press again?",
]
UNRELATED = [
    "What is the capital of France?",
    "Can you recommend a good pasta recipe?",
    "Who won the football last night?",
    "How do I reset my router?",
]


@pytest.mark.parametrize("question", ON_TOPIC)
def test_answers_are_short_grounded_and_cited(bot, question):
    reply = bot.ask(question)
    assert reply.route == "answer", reply.reasons
    assert reply.citations
    assert unresolved_markers(reply.text, reply.citations) == []
    assert ungrounded_sentences(reply.text, reply.citations) == []
    corpus = [normalise_space(c.text) for c in bot.chunks()]
    for citation in reply.citations:
        assert normalise_space(citation.text) in corpus  # verbatim passage of the corpus
        assert citation.section.startswith(citation.title)
        assert f"[{citation.n}]" in reply.text
    sentences = re.split(r"(?<=\])\s+", reply.text)
    assert 1 <= len(sentences) <= bot.settings.max_answer_sentences
    assert len(set(sentences)) == len(sentences)
    assert len(reply.text.split()) <= 150


@pytest.mark.parametrize("question", UNRELATED)
def test_unrelated_questions_are_declined_without_citations(bot, question):
    reply = bot.ask(question)
    assert reply.route == "out_of_scope"
    assert reply.citations == ()
    assert reply.text in (messages.OUT_OF_SCOPE, messages.NOT_COVERED)


def test_follow_up_uses_the_earlier_user_turn(bot):
    history = [{"role": "user", "content": "How should I stretch before leg day?"},
               {"role": "assistant", "content": "Warm up first."}]
    hits = bot.retrieve("and what about for the hamstrings?", history)
    assert any("hamstring" in h.chunk.section.split(" › ")[-1].lower() for h in hits[:3]), \
        [h.chunk.section for h in hits]
    alone = bot.retrieve("and what about for the hamstrings?")
    assert alone  # still answers something without history


def test_to_dict_matches_the_contract(bot):
    d = bot.ask("Where should my feet go on the platform?").to_dict()
    assert set(d) == {"route", "answer", "citations", "reasons"}
    assert set(d["citations"][0]) == {"n", "doc_id", "title", "section", "text", "score",
                                      "sources", "reviewed"}


def test_invalid_question_raises_the_user_error(bot):
    with pytest.raises(InvalidQuestionError):
        bot.ask("   ")


def test_stats(bot):
    stats = bot.stats()
    assert stats["ready"] and stats["documents"] >= 8 and stats["chunks"] > 50


def test_a_section_whose_heading_asks_the_question_joins_the_retrieved_passages(bot):
    # chatter around a definition question pulls hybrid retrieval elsewhere; the section
    # headed "What is DOMS ...?" still gets to answer it
    reply = bot.ask("So what actually is DOMS? Everyone at my gym keeps saying it.")
    assert reply.route == "answer"
    assert reply.citations[0].section.endswith("What is DOMS (delayed onset muscle soreness)?")
    assert reply.text.startswith("DOMS")


def test_a_referral_raised_only_by_the_learned_stage_does_not_quote_the_member_back(bot):
    from assistant.types import Triage

    p = bot._prepare("how soon can I go back to the gym? it's been about 2 weeks", [])
    quoted = Triage("professional", ("\u201cit's been about 2 weeks\u201d",))
    reply, _ = bot._respond(type(p)(p.message, p.query, p.vector, quoted, {}, p.asked, p.asked_vector))
    assert reply.route == "professional"
    assert reply.text.startswith(messages.PROFESSIONAL_UNNAMED_LINE)
    assert "You mentioned" not in reply.text
    assert reply.reasons == quoted.reasons  # the API still says why


def test_an_emergency_question_gets_the_urgent_section_that_answers_it(bot):
    """"What are the signs of rhabdo?" under the urgent-care banner: the rhabdomyolysis
    signs, not the back red-flag list."""
    reply = bot.ask("what symptoms after a brutal leg session would mean rhabdo, not normal soreness?")
    assert reply.route == "emergency"
    assert reply.text.startswith("**Get urgent medical care now")
    assert "rhabdomyolysis" in reply.citations[0].section.lower()
    assert "Dark urine" in reply.text
    body = reply.text.split("\n\n", 1)[1].removeprefix(messages.GUIDANCE_LEAD_IN).strip()
    assert ungrounded_sentences(body, reply.citations) == []


@pytest.mark.parametrize("message", [
    "both my legs went numb on the leg press and theyre still heavy",  # the CES signs
    "I can't feel my legs properly and I keep nearly falling over",
])
def test_an_emergency_never_quotes_a_see_your_gp_section(bot, message):
    """A section is quoted under an emergency only when its answer itself says to get
    urgent care; otherwise the urgent-help list is shown."""
    reply = bot.ask(message)
    assert reply.route == "emergency"
    guidance = reply.text.split("\n\n", 1)[1]
    first = guidance.split("[1]", 1)[0]
    assert re.search(r"A&E|emergency", first), guidance
