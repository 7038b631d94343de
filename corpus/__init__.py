"""The default guidance corpus, shipped in the wheel as `assistant.default_corpus`.

This file only makes the folder importable so `importlib.resources` finds the Markdown
files from any working folder (see pyproject.toml); the corpus loader reads only .md/.txt.
"""
