
from assistant.conversation import condense_query, is_follow_up

H = [{"role": "user", "content": "How should I stretch before leg day?"},
     {"role": "assistant", "content": "Warm up with light sets. [1]"}]


def test_follow_up_is_condensed_with_the_previous_user_turn():
    assert condense_query("and what about for the hamstrings?", H) == \
        "How should I stretch before leg day? and what about for the hamstrings?"


def test_standalone_question_is_left_alone():
    q = "How many sets of leg press should a beginner do each week?"
    assert not is_follow_up(q)
    assert condense_query(q, H) == q
    assert condense_query("and the hamstrings?", []) == "and the hamstrings?"


def test_denied_symptoms_do_not_steer_retrieval():
    from assistant.conversation import drop_denied_symptoms

    assert drop_denied_symptoms("no numbness or tingling, just a tight lower back") == \
        ", just a tight lower back"
    assert drop_denied_symptoms("not numb or tingly, my quads burn") == ", my quads burn"
    assert drop_denied_symptoms("my leg goes numb") == "my leg goes numb"
    # A plural is removed whole, never leaving its "s" behind in the query.
    assert drop_denied_symptoms("90% better, with no pain down the legs and no numbness.") == \
        "90% better, with and ."
    assert drop_denied_symptoms("no leg pains, sore quads") == ", sore quads"
