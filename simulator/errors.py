"""Errors raised for user mistakes.

Every mistake a user can make in a scenario file, a GENIUS folder or on the command line is raised
as a :class:`ScenarioError` (or a subclass). The CLI prints its message without a traceback and
exits with status 2. Anything else that escapes is a bug in the simulator.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["EditError", "ScenarioError", "ScenarioWarning", "did_you_mean"]


class ScenarioError(ValueError):
    """A user mistake in a scenario, with where it is and what is allowed.

    Parameters
    ----------
    message
        What is wrong and what is allowed instead.
    file
        The file the mistake is in, if any.
    path
        The field path inside the file, e.g. ``parties[1].red_lines[0].at_least``.
    line
        The 1-based line in the file, where the format gives one.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.path:
            where.append(self.path)
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def located(
        self, *, file: str | None = None, path: str | None = None, line: int | None = None
    ) -> ScenarioError:
        """A copy with missing location fields filled in."""
        return type(self)(
            self.message,
            file=self.file or file,
            path=self.path or path,
            line=self.line if self.line is not None else line,
        )


class EditError(ScenarioError):
    """A malformed or impossible scenario edit (a concession), with what it could have named."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``did you mean`` hint for ``word`` among ``choices`` and the list of what is allowed.

    >>> did_you_mean("reservaton", ["reservation", "weights"])
    "did you mean 'reservation'? (allowed: reservation, weights)"
    """
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    allowed = ", ".join(choices) if choices else "none"
    if close:
        return f"did you mean {close[0]!r}? (allowed: {allowed})"
    return f"(allowed: {allowed})"


class ScenarioWarning(UserWarning):
    """Something in a scenario that is allowed but probably not meant (e.g. weights not summing
    to 1).

    Raised through :func:`warnings.warn`; the CLI prints it to stderr.
    """
