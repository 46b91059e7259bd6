"""Named errors raised across the library.

Every error names what was wrong (file, line, field or value) so that a user can act on it.
"""

from __future__ import annotations

_LIST_AT_MOST = 30
"""An error lists every valid choice only when there are at most this many; else the closest."""


def closest(names: list[str], valid: list[str], n: int = 3) -> list[str]:
    """The valid choices closest to ``names`` (case-insensitive), best first, at most ``n``.

    >>> closest(["lithum"], ["lithium", "cobalt"])
    ['lithium']
    """
    import difflib

    folded = {str(v).casefold(): str(v) for v in valid}
    out: list[str] = []
    for name in names:
        key = str(name).casefold()
        if key in folded:
            hit = [folded[key]]
        else:
            hit = [folded[m] for m in difflib.get_close_matches(key, list(folded), n=n, cutoff=0.6)]
            hit += [v for k, v in folded.items() if key and (k.startswith(key) or key in k)][:n]
        for h in hit:
            if h not in out:
                out.append(h)
    return out[:n]


class TrustMineralsError(Exception):
    """Base class of every error the library raises on purpose.

    ``exit_code`` is the CLI's exit status: 1 for a data error (a file, the store), 2 for a
    usage error (an impossible argument, an unknown name given on the command line).
    """

    exit_code: int = 1


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

    The message lists every unmatched name, the closest valid names ("did you mean") and, where
    short enough, every valid choice.
    """

    exit_code = 2

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
        self.suggestions = closest(self.names, self.valid or [])
        msg = f"unknown {kind}: {', '.join(repr(n) for n in self.names)}"
        if where:
            msg += f" (in {where})"
        if self.suggestions:
            msg += f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
        if self.valid is not None:
            if len(self.valid) <= _LIST_AT_MOST:
                msg += f"; valid choices: {', '.join(self.valid)}"
            else:
                msg += f"; {len(self.valid)} valid choices"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return str(self.args[0])


class StoreError(TrustMineralsError, RuntimeError):
    """The embedded database is missing, locked or was built by an incompatible version."""


class InputError(TrustMineralsError, ValueError):
    """A parameter is impossible (negative demand, probability outside [0, 1], ...)."""

    exit_code = 2


class NoDataError(InputError):
    """A well-formed request about known names for which the data holds nothing.

    For example a commodity with no production at the stage asked for, or a consumer set none of
    whose countries has data. A kind of :class:`InputError` (the same CLI exit status and
    message); the REST API answers 404 ("No data"), like an unknown name: what was asked for does
    not exist in this store.
    """


def named_error(exc: BaseException) -> TrustMineralsError | None:
    """The named error for an expected failure that escaped as a built-in one, else ``None``.

    The one mapping used by the CLI's and the API's error boundary: file-system failures
    (missing, directory, permission, disk full) → :class:`ParseError` or :class:`StoreError`,
    undecodable text → :class:`ParseError`, memory exhaustion → :class:`InputError` (the request
    is too large), a DuckDB failure (I/O, corruption, schema mismatch) → :class:`StoreError`;
    each as one line.

    Examples
    --------
    >>> str(named_error(IsADirectoryError(21, "Is a directory", "plans")))
    'plans: is a directory, expected a file'
    """
    import errno

    if isinstance(exc, TrustMineralsError):
        return exc
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else None
        if isinstance(exc, IsADirectoryError):
            return ParseError("is a directory, expected a file", path=name)
        if isinstance(exc, FileNotFoundError):
            return ParseError("file not found", path=name)
        if isinstance(exc, PermissionError):
            return StoreError(f"{name}: permission denied" if name else "permission denied")
        if exc.errno == errno.ENOSPC:
            return StoreError(f"{name + ': ' if name else ''}no space left on the device")
        return StoreError(f"{name + ': ' if name else ''}{exc.strerror or exc}")
    if isinstance(exc, UnicodeDecodeError):
        return ParseError(f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at {exc.start})")
    if isinstance(exc, UnicodeError):
        return ParseError(f"text cannot be encoded or decoded ({exc})")
    if isinstance(exc, MemoryError):
        return InputError(
            f"not enough memory for this request ({str(exc).splitlines()[0] if str(exc) else 'MemoryError'}); "
            "ask for fewer draws, points or years"
        )
    if type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb"):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreError(f"database error: {first}")
    return None
