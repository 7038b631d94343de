"""`python -m eval [options]` from the repository root: same as `assistant eval`."""

from assistant.evaluation import main

raise SystemExit(main())
