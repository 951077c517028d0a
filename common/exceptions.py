from typing import Any


class ApplicationError(Exception):
    """A domain refusal raised by a service: the caller did something the rules forbid.

    Views turn it into a form error or message; the API turns it into a 4xx
    with `status` (409 by default: the request conflicts with current state).
    """

    status = 409

    def __init__(
        self,
        message: str,
        *,
        code: str = "conflict",
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status = status
        self.extra = extra or {}
