"""Evaluation suite: known Q&A pairs and labelled triage messages, scored end to end.

- ``load_qa`` / ``load_triage`` read and validate the JSONL data sets (eval/README.md).
- ``evaluate(bot, qa, triage)`` asks the assistant every case; ``summarise`` scores the
  results with the pure functions in ``assistant.evaluation.metrics``.
- ``main(argv)`` is ``assistant eval`` / ``python -m eval``: progress bar, headline table,
  report under eval/reports/<timestamp>/, and the quality gate (exit 1 when it fails).
"""

from .dataset import DatasetError, QACase, TriageCase, load_qa, load_triage
from .gate import Thresholds, check, load_thresholds
from .runner import evaluate, main, summarise

__all__ = [
    "DatasetError",
    "QACase",
    "Thresholds",
    "TriageCase",
    "check",
    "evaluate",
    "load_qa",
    "load_thresholds",
    "load_triage",
    "main",
    "summarise",
]
