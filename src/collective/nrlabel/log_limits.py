"""An event log that a storage outage cannot flood.

While its database is unreachable, every request a Zope client serves fails with
the same traceback, logged twice (waitress, Zope's error log): on RelStorage,
39 MB in 21 s during a PostgreSQL outage. ``RepeatLimitedFileHandler`` (used by
etc/zope.ini.in's event log) writes the first error of a kind, then suppresses the
same error for ``interval`` seconds and says how many it suppressed with the next
one written; it also rotates the file (at most ``backupCount + 1`` files of
``maxBytes``). Records below WARNING and errors of another kind pass untouched.
"""

from logging.handlers import RotatingFileHandler

import re
import threading
import time


def error_kind(record):
    """What makes two records "the same": the logger, and the exception (its type
    and text), or else the last line of the message (a traceback logged as text,
    as Zope's error log does), numbers aside (ids, counts, ports)."""
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        return (record.name, type(error).__name__, _numbers_aside(str(error)))
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: let the handler report it
        return None
    lines = message.strip().splitlines() or [""]
    return (record.name, record.levelno, _numbers_aside(lines[-1]))


def _numbers_aside(text):
    return re.sub(r"\d+", "#", text[:300])


class RepeatLimitedFileHandler(RotatingFileHandler):
    """A rotating file handler that writes one error of a kind per ``interval``."""

    def __init__(
        self,
        filename,
        mode="a",
        maxBytes=20 * 1024 * 1024,
        backupCount=5,
        interval=10.0,
        clock=time.monotonic,
    ):
        super().__init__(filename, mode, maxBytes, backupCount)
        self.interval = float(interval)
        self.clock = clock
        self.repeats = {}  # kind → [time written, suppressed since]
        self.repeats_lock = threading.Lock()

    def filter(self, record):
        if not super().filter(record):
            return False
        if record.levelno < 30:  # WARNING
            return True
        kind = error_kind(record)
        if kind is None:
            return True
        now = self.clock()
        with self.repeats_lock:
            seen = self.repeats.get(kind)
            if seen is not None and now - seen[0] < self.interval:
                seen[1] += 1
                return False
            suppressed = seen[1] if seen is not None else 0
            self.repeats[kind] = [now, 0]
            if len(self.repeats) > 1000:  # kinds not seen for long go
                self.repeats = {
                    k: v for k, v in self.repeats.items() if now - v[0] < self.interval
                }
        if suppressed:
            record.msg = (
                f"{record.msg}\n({suppressed} more like this in the last "
                f"{self.interval:g} s were not logged)"
            )
        return True
