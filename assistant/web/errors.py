"""The error shape every route answers with: `{"error": message}`, and failures described
for operators without their messages (which could quote what a member typed)."""

from __future__ import annotations

import traceback
from pathlib import Path

from fastapi.responses import JSONResponse

SERVER_ERROR = "Something went wrong on our side. Please try again in a moment."


class ApiError(Exception):
    """A request the API refuses; becomes `{"error": message}` with `status`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None):
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def describe_failure(exc: BaseException) -> str:
    """Exception type and where it was raised, without its message (which could quote
    what the user typed): enough for an operator to find the bug."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return type(exc).__name__ + where
