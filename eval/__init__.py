"""`python -m eval` runs the evaluation suite (see eval/README.md)."""
