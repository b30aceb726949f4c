"""Reading a user's text file: a regular file only, of bounded size, in UTF-8.

A FIFO, a device or a socket given as a scenario or edits file would block the command forever or
read without end, so only regular files are read (folders are the GENIUS reader's business).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from simulator.errors import ScenarioError

__all__ = ["MAX_TEXT_BYTES", "read_user_text"]

#: the largest text file read (a scenario of 100,000 options is about 2 MB)
MAX_TEXT_BYTES = 64 * 2**20


def read_user_text(path: str | os.PathLike[str], what: str) -> str:
    """The text of the ``what`` file at ``path``.

    Raises
    ------
    ScenarioError
        Naming the file, if it is not a regular file, cannot be read, is larger than
        :data:`MAX_TEXT_BYTES` or is not UTF-8 text.
    """
    file = str(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(
                f"the {what} is not a regular file (a folder, FIFO or device); give a file",
                file=file,
            )
        if info.st_size > MAX_TEXT_BYTES:
            raise ScenarioError(
                f"the {what} has {info.st_size:,} bytes; at most {MAX_TEXT_BYTES:,} are read",
                file=file,
            )
        data = Path(path).read_bytes()
    except OSError as e:
        raise ScenarioError(f"cannot read the {what}: {e.strerror or e}", file=file) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"not a UTF-8 text file ({e.reason})", file=file) from None
