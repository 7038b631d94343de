"""The JSON contract of our own HTTP routes, as pydantic models and an OpenAPI document.

Requests are checked by `question.parse_question` on every surface (one set of limits,
from the settings), whose `AskRequest` model is the request body here; the other models
describe the replies for clients and `/api/openapi.json`, and the tests validate real
responses against them. Gradio's own routes are not part of it (their schema, info and
monitoring pages are closed).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from .question import HISTORY_CHARS_FACTOR, AskRequest, FeedbackRequest, Turn
from .settings import Settings
from .types import Route

__all__ = ["AskRequest", "CitationOut", "Error", "FeedbackRequest", "Health", "Reply", "Turn",
           "Votes", "openapi"]


class CitationOut(BaseModel):
    n: int = Field(description="The number the answer's [n] markers refer to.")
    doc_id: str
    title: str
    section: str = Field(description='Where the passage sits: "Title › Heading".')
    text: str = Field(description="The cited passage, verbatim from the guidance.")
    score: float
    sources: list[str] = Field(description="Where the cited document's guidance comes from.")
    reviewed: str | None = Field(description="When the cited document was last reviewed.")


class Reply(BaseModel):
    route: Route = Field(description="What the safety layer decided.")
    answer: str = Field(description="Markdown with [n] markers that refer to `citations`.")
    citations: list[CitationOut]
    reasons: list[str] = Field(description="Why this route, in plain words.")


class Votes(BaseModel):
    up: int
    down: int


class Health(BaseModel):
    ready: bool
    documents: int | None = None
    chunks: int | None = None
    model: str | None = None
    error: str | None = None


class Error(BaseModel):
    error: str = Field(description="What went wrong and what to change.")


def openapi(settings: Settings, version: str) -> dict:
    """The OpenAPI 3.1 document for /api/ask (and its stream), /api/feedback, /healthz and
    /metrics."""
    ask = AskRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    ask["properties"]["message"].update(minLength=1, maxLength=settings.max_message_chars)
    history = next(s for s in ask["properties"]["history"]["anyOf"] if s.get("type") == "array")
    history["maxItems"] = settings.max_history_turns
    schemas = {"AskRequest": ask}
    for model in (Turn, Reply, CitationOut, FeedbackRequest, Votes, Health, Error):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    schemas.update(ask.pop("$defs", {}))
    # A turn may be longer than a message: earlier answers are quoted back in history.
    schemas["Turn"]["properties"]["content"]["maxLength"] = (
        settings.max_message_chars * HISTORY_CHARS_FACTOR)

    def body(name: str) -> dict:
        return {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{name}"}}}}

    def out(name: str, description: str) -> dict:
        return {"description": description, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{name}"}}}}

    errors = {str(code): out("Error", text) for code, text in (
        (400, "Invalid request (the message says what to change)"), (403, "Origin not allowed"),
        (413, "Body too large"), (415, "Not JSON"), (429, "Rate limited; see Retry-After"),
        (503, "The guidance index is unavailable"))}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Leg-press back-pain assistant", "version": version},
        "paths": {
            "/api/ask": {"post": {
                "summary": "Answer one question from the guidance, with citations and a route",
                "requestBody": body("AskRequest"),
                "responses": {"200": out("Reply", "The reply contract"), **errors}}},
            "/api/ask/stream": {"post": {
                "summary": "The same answer, streamed as newline-delimited JSON",
                "description": "With LLM answers on: drafts of the checked answer first "
                               "({\"draft\": true, \"answer\", \"citations\"}, each replacing "
                               "the last), then the Reply. Without them: the Reply alone.",
                "requestBody": body("AskRequest"),
                "responses": {"200": {"description": "One JSON object per line; the last is "
                                                     "the Reply (or {\"error\"})",
                                      "content": {"application/x-ndjson": {
                                          "schema": {"type": "string"}}}},
                              **errors}}},
            "/api/feedback": {
                "post": {"summary": "Count a thumbs up or down", "requestBody": body("FeedbackRequest"),
                         "responses": {"200": {"description": "Counted"}, **errors}},
                "get": {"summary": "Vote counts per route", "responses": {"200": {
                    "description": "Counts", "content": {"application/json": {"schema": {
                        "type": "object", "additionalProperties": {
                            "$ref": "#/components/schemas/Votes"}}}}}}}},
            "/healthz": {"get": {"summary": "Readiness for a load balancer", "responses": {
                "200": out("Health", "Ready"), "503": out("Health", "Not ready")}}},
            "/metrics": {"get": {"summary": "Prometheus counts (no user text)", "responses": {
                "200": {"description": "Prometheus text format",
                        "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        },
        "components": {"schemas": schemas},
    }
