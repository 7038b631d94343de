"""`assistant` command line: ask, ingest, eval, triage, serve, settings.

The benchmark is not a subcommand: it lives in the source checkout (`python -m bench.run`),
not in the wheel.

Errors meant for users (AssistantError) print one clean line and exit 2; no tracebacks.
"""

from __future__ import annotations

import argparse
import json
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Leg-press back-pain assistant: grounded answers with citations, "
        "safety-routed. Settings come from ASSISTANT_* environment variables "
        "(`assistant settings` lists them).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the reply contract as JSON")
    ask.add_argument("--history", help="JSON list of {role, content} earlier turns")

    ingest = sub.add_parser("ingest", help="(re)index the corpus; only changed files are embedded")
    ingest.add_argument("paths", nargs="*", help="extra files or folders to index with the corpus")
    ingest.add_argument("--rebuild", action="store_true", help="re-embed everything")

    sub.add_parser("eval", help="run the evaluation suite (`assistant eval --help`)")
    sub.add_parser("triage", help="safety triage: `assistant triage train` fits the shipped model, "
                   "`assistant triage eval` measures routing (`--help` on each)")

    serve = sub.add_parser("serve", help="start the HTTP API, Gradio chat and widget server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int,
                       help="processes answering questions (default ASSISTANT_WORKERS: one per core)")

    st = sub.add_parser("settings", help="list every setting and its environment variable")
    st.add_argument("--markdown", action="store_true", help="as a Markdown table (for the README)")
    return parser


def _print_reply(reply, as_json: bool) -> None:
    if as_json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
        return
    print(reply.text)
    if reply.citations:
        print()
        for c in reply.citations:
            print(f"[{c.n}] {c.section}")
    if reply.reasons:
        print(f"\n(route: {reply.route}; {', '.join(reply.reasons)})")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    from .errors import AssistantError

    # eval and triage own their options: hand them everything after the command name.
    if argv and argv[0] in ("eval", "triage"):
        try:
            if argv[0] == "triage":
                return _triage(argv[1:])
            from .evaluation.runner import main as eval_main

            return eval_main(argv[1:])
        except AssistantError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the previous index is still usable", file=sys.stderr)
        return 130


def _triage(argv: list[str]) -> int:
    if argv[:1] == ["train"]:
        from .safety.train import main as train_main

        return train_main(argv[1:])
    if argv[:1] == ["eval"]:
        from .evaluation.triage import main as triage_eval_main

        return triage_eval_main(argv[1:])
    print("usage: assistant triage {train,eval} [options]", file=sys.stderr)
    return 2


def _run(args) -> int:
    from .errors import ConfigError
    from .settings import Settings, load_settings

    if args.command == "settings":
        # Machine-dependent defaults are named, not printed as this machine's paths.
        described = {"corpus_dirs": "(shipped guidance)", "data_dir": "(per-user data folder)"}
        for name, field in Settings.model_fields.items():
            env = name.upper() if name in ("chroma_host", "chroma_port") else f"ASSISTANT_{name.upper()}"
            default = field.default_factory() if field.default_factory else field.default
            if isinstance(default, list):
                default = ",".join(str(v) for v in default)
            default = described.get(name) or (str(default) if default != "" else '""')
            if args.markdown:
                print(f"| `{env}` | `{default}` | {field.description} |")
            else:
                print(f"{env:34} {default:28} {field.description}")
        return 0
    settings = load_settings()
    if args.command == "serve":
        from .server import serve

        updates = {k: v for k, v in (("host", args.host), ("port", args.port)) if v}
        if args.workers is not None:
            if args.workers < 0:
                raise ConfigError("--workers must be 0 (one per core) or more.")
            updates["workers"] = args.workers
        serve(settings.model_copy(update=updates))
        return 0

    from .engine import Assistant

    if args.command == "ingest":
        from pathlib import Path

        from .embeddings import SentenceTransformerEmbedder
        from .ingest import ingest
        from .store import ChunkStore

        summary = ingest(ChunkStore(settings),
                         SentenceTransformerEmbedder(settings.model_name_or_path),
                         [*settings.guidance_paths, *map(Path, args.paths)],
                         model_id=settings.model_id, max_chars=settings.chunk_max_chars,
                         rebuild=args.rebuild)
        print(summary.line())
        # Save the index snapshot now, so the next start or `ask` opens in about a second.
        Assistant.load(settings, progress=False, warm=False)
        return 0
    if args.command == "ask":
        from .errors import InvalidQuestionError

        history = []
        if args.history:
            try:
                history = json.loads(args.history)
            except json.JSONDecodeError as exc:
                raise InvalidQuestionError(f"--history is not valid JSON ({exc}).") from exc
        bot = Assistant.load(settings, warm=False)  # one question: load only what it needs
        _print_reply(bot.ask(args.question, history), args.json)
        return 0
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
