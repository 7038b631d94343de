"""Blind-grade summaries (pure): per set and version, and the paired change."""

import pytest

from assistant.evaluation.grades import paired, summarise, wilson

KEY = {
    "a": {"set": "dev", "id": "q1", "version": "before"},
    "b": {"set": "dev", "id": "q1", "version": "after"},
    "c": {"set": "dev", "id": "q2", "version": "before"},
    "d": {"set": "dev", "id": "q2", "version": "after"},
}
GRADES = [
    {"gid": "a", "grade": 2, "filler": True, "meta": True},
    {"gid": "b", "grade": 5, "filler": False, "meta": False},
    {"gid": "c", "grade": 4, "filler": False, "meta": False},
    {"gid": "d", "grade": 3, "filler": True, "meta": False},
]


def test_rows_per_set_and_version():
    rows = {r["version"]: r for r in summarise(GRADES, KEY)}
    assert rows["before"]["mean"] == 3 and rows["after"]["mean"] == 4
    assert rows["before"]["good"] == 0.5 and rows["before"]["meta"] == 0.5
    assert rows["after"]["grades"] == [0, 0, 1, 0, 1]


def test_paired_change_counts_questions_that_moved():
    assert paired(GRADES, KEY)["dev"] == {"n": 2, "mean_change": 1.0, "better": 1, "worse": 1}


def test_wilson_interval_brackets_the_share():
    lo, hi = wilson(45, 100)
    assert lo < 0.45 < hi and hi - lo == pytest.approx(0.19, abs=0.01)
