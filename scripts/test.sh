#!/usr/bin/env bash
# The test command (README): lint, the whole pytest suite (unit, real model + Chroma,
# a real `chroma run` server, browser), then the eval quality gate.
set -uo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False

ruff check assistant tests eval bench app.py || exit 1

python -m pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then
  echo "pytest collected no tests: failing, since that is not a pass" >&2
  exit 1
fi
[ $rc -eq 0 ] || exit $rc

# Quality gate: exits non-zero under the thresholds in eval/thresholds.toml
# or on a regression against eval/baseline.json.
python -m eval --no-progress
