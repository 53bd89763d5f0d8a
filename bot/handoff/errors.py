"""Errors of handoff actions, with the HTTP status the console API answers with."""

from __future__ import annotations


class HandoffError(Exception):
    """An action that cannot be done now (e.g. accepting a conversation someone else took).

    Args:
        status: HTTP status (403, 404, 409, 422).
        code: stable machine-readable code.
        message: for the engineer, in Chinese.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
