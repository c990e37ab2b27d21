"""What can go wrong with an account, said so that a form or the CLI can name the field."""

from __future__ import annotations


class AccountError(ValueError):
    """A request about an account that cannot be done; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TooManyAttempts(AccountError):
    """Too many failed sign-ins for this address or from this client; wait `retry_after_s`."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            "password",
            "too many failed attempts; wait "
            f"{max(1, round(retry_after_s / 60))} minute(s) and try again",
        )
        self.retry_after_s = retry_after_s
