"""Optional LLM answers: a prompt over the numbered passages, and the OpenAI-compatible client.

Off unless `ASSISTANT_LLM_BASE_URL` is set. The model only ever rewrites passages for the
"answer" route; routes, reasons and the professional and emergency first lines never come
from it, and `grounding` checks every sentence before anything is shown. Any failure
(timeout, server error, an answer that does not check out) falls back to the extractive
answer with a reason that says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from .errors import ConfigError, GenerationError
from .settings import Settings

INSTRUCTIONS = """You answer a gym member's question using only the numbered passages below.
Rules:
- At most 4 short sentences, plain words, speaking to the member as "you".
- End every sentence with the number of the passage it comes from, like [1].
- Say only what the passages say. Add no numbers, medicines, doses or body parts that
  the passages do not mention.
- If the passages do not answer the question, write only: The guidance does not cover that."""


def build_prompt(question: str, passages: Sequence[str]) -> list[tuple[str, str]]:
    """The chat messages for one question. One user message (some chat formats, e.g.
    gemma's, drop system messages), the instructions first and the question last."""
    numbered = "\n\n".join(f"[{i}] {p.strip()}" for i, p in enumerate(passages, 1))
    return [("human", f"{INSTRUCTIONS}\n\nPassages:\n{numbered}\n\nQuestion: {question.strip()}"
                      "\n\nAnswer:")]


class Generator(Protocol):
    def generate(self, question: str, passages: Sequence[str]) -> str: ...

    def stream(self, question: str, passages: Sequence[str]) -> Iterator[str]: ...


class OpenAICompatibleGenerator:
    """`langchain_openai.ChatOpenAI` over any OpenAI-compatible server (a hosted API,
    Ollama, llama.cpp, vLLM). No retries: a slow model falls back to the extractive answer
    rather than keeping a member waiting."""

    def __init__(self, settings: Settings):
        try:
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise ConfigError(
                "ASSISTANT_LLM_BASE_URL is set but langchain-openai is not installed: "
                "pip install 'legpress-assistant[llm]'") from None
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        self.model = ChatOpenAI(
            model=settings.llm_model, base_url=settings.llm_base_url, api_key=key,
            timeout=settings.llm_timeout_s, max_retries=0, temperature=0,
            # Sent as `max_tokens`: llama.cpp's server ignores the newer max_completion_tokens.
            extra_body={"max_tokens": settings.llm_max_tokens})

    def generate(self, question: str, passages: Sequence[str]) -> str:
        try:
            message = self.model.invoke(build_prompt(question, passages))
        except Exception as exc:  # openai's timeout, connection and status errors alike
            raise GenerationError(_failure(exc)) from None
        return message.text

    def stream(self, question: str, passages: Sequence[str]) -> Iterator[str]:
        try:
            for chunk in self.model.stream(build_prompt(question, passages)):
                if chunk.text:
                    yield chunk.text
        except Exception as exc:
            raise GenerationError(_failure(exc)) from None


def _failure(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "the language model did not answer in time"
    if "Connection" in name:
        return "the language model's server could not be reached"
    status = getattr(exc, "status_code", None)
    return f"the language model's server answered {status}" if status else \
        f"the language model failed ({name})"


def make_generator(settings: Settings) -> Generator | None:
    """The configured generator, or None when LLM answers are off (the default)."""
    if not settings.llm_base_url:
        return None
    return OpenAICompatibleGenerator(settings)
