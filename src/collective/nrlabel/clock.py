"""The add-on's one clock.

Every rule that depends on the date (audit windows, the freeze, expiry, overdue
actions, reminders, readiness, the workflow guard that expires a label) asks
``clock.today()`` through this module, never ``date.today()`` directly. Tests
move the date for the whole add-on (``monkeypatch.setattr(clock, "today", …)``);
a command that acts as of another day (``nrlabel send-reminders --date``) runs
inside ``clock.reference_date(day)``, so that workflow guards, which take no
argument, agree with the rules it calls.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date


_reference: date | None = None


def today() -> date:
    """The date of reference of every rule: today, unless a command set another."""
    return _reference or date.today()


@contextmanager
def reference_date(day: date | None) -> Iterator[None]:
    """Act as if today were ``day`` inside the block (``None``: the real today)."""
    global _reference
    previous, _reference = _reference, day
    try:
        yield
    finally:
        _reference = previous
