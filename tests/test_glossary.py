from assistant.glossary import expand


def test_everyday_words_gain_the_guidance_terms():
    assert "tempo" in expand("how fast should each rep be?")
    assert "brace" in expand("how do I tense my stomach before a rep")
    assert "single-leg" in expand("my left leg lags behind")


def test_unrelated_query_is_unchanged():
    q = "what is cauda equina syndrome"
    assert expand(q) == q
