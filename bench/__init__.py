"""Performance benchmark: this project's `ask` against the naive LangChain pipeline and the
hardware floor, plus cold start, ingest, HTTP load and a 100k-chunk scale run.

Run it with `python -m bench.run` from the repository root (see bench/README.md).
"""
