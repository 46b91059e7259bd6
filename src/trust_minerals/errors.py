"""Named errors raised across the library.

Every error names what was wrong (file, line, field or value) so that a user can act on it.
"""

from __future__ import annotations


class TrustMineralsError(Exception):
    """Base class of every error the library raises on purpose."""


class SchemaError(TrustMineralsError, ValueError):
    """A table does not match its spec (missing column, wrong type, value outside the vocabulary)."""


class ParseError(TrustMineralsError, ValueError):
    """A raw file could not be parsed; the message names the file, line and value."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        parts = []
        if path is not None:
            parts.append(str(path))
        if line is not None:
            parts.append(f"line {line}")
        if field is not None:
            parts.append(f"field {field!r}")
        if value is not None:
            parts.append(f"value {value!r}")
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.path = path
        self.line = line
        self.field = field
        self.value = value


class UnknownNameError(TrustMineralsError, KeyError):
    """One or more names (country, commodity, method, ...) matched nothing.

    The message lists every unmatched name and, where short enough, the valid choices.
    """

    def __init__(
        self,
        kind: str,
        names: list[str] | tuple[str, ...],
        valid: list[str] | None = None,
        where: str | None = None,
    ) -> None:
        self.kind = kind
        self.names = list(names)
        self.valid = list(valid) if valid is not None else None
        msg = f"unknown {kind}: {', '.join(repr(n) for n in self.names)}"
        if where:
            msg += f" (in {where})"
        if self.valid is not None:
            shown = self.valid if len(self.valid) <= 80 else self.valid[:80] + ["..."]
            msg += f"; valid choices: {', '.join(shown)}"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return str(self.args[0])


class StoreError(TrustMineralsError, RuntimeError):
    """The embedded database is missing, locked or was built by an incompatible version."""


class InputError(TrustMineralsError, ValueError):
    """A parameter is impossible (negative demand, probability outside [0, 1], ...)."""
