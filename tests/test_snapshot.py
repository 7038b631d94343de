"""The on-disk snapshot of an opened index: same replies, and only ever a cache."""

from __future__ import annotations

import shutil

from conftest import essentials

from assistant.engine import Assistant

QUESTIONS = [
    "Should I lock my knees at the top of the leg press?",
    "which exercises are easier on my back than leg press",
    "I get pins and needles in my right foot during leg press, why?",
    "I can't feel my groin and I've wet myself after leg day",
]



def _copy(bot, settings, tmp_path):
    shutil.copytree(settings.data_dir, tmp_path / "index")
    return settings.model_copy(update={"data_dir": tmp_path / "index"})


def test_an_assistant_opened_from_its_snapshot_answers_the_same(bot, settings, tmp_path):
    local = _copy(bot, settings, tmp_path)
    (folder,) = (local.data_dir / "snapshots").iterdir()
    assert (folder / "chunks.json").is_file() and (folder / "headings.npz").is_file()
    reopened = Assistant.load(local, progress=False)
    reopened.store.all_chunks = None  # proof that opening did not fetch every chunk again
    reopened.refresh()
    for question in QUESTIONS:
        assert essentials(reopened.ask(question)) == essentials(bot.ask(question)), question
    assert reopened.stats()["chunks"] == bot.stats()["chunks"]


def test_a_damaged_snapshot_is_rebuilt_not_fatal(bot, settings, tmp_path):
    local = _copy(bot, settings, tmp_path)
    (folder,) = (local.data_dir / "snapshots").iterdir()
    (folder / "chunks.json").write_text("[[not json", encoding="utf-8")
    (folder / "lexical.json").unlink()
    reopened = Assistant.load(local, progress=False)
    assert essentials(reopened.ask(QUESTIONS[0])) == essentials(bot.ask(QUESTIONS[0]))


def test_a_new_index_version_gets_a_new_snapshot_and_the_old_one_goes(bot, settings, tmp_path):
    local = _copy(bot, settings, tmp_path)
    extra = tmp_path / "gym"
    extra.mkdir()
    (extra / "towels.md").write_text("# Towels\n\n## Should I put a towel on the leg press seat?\n\n"
                                     "Yes, lay a towel on the seat and back pad.\n", encoding="utf-8")
    reopened = Assistant.load(local, progress=False)
    before = reopened.index_version
    reopened.ingest([extra], progress=False)
    assert reopened.index_version != before
    folders = list((local.data_dir / "snapshots").iterdir())
    assert len(folders) == 1  # the snapshot of the old version was removed
    third = Assistant.load(local, progress=False)
    assert third.index_version == reopened.index_version
    assert any(c.doc_id == "towels" for c in third.chunks())
