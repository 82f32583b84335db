"""The add-on's one clock.

Every rule that depends on the date (audit windows, the freeze, expiry, overdue
actions, reminders, readiness) asks ``clock.today()`` through this module, never
``date.today()`` directly, so that tests can move the date for the whole add-on
(``monkeypatch.setattr(clock, "today", …)``) and commands can pass a date of
reference (``nrlabel send-reminders --date``) as an argument.
"""

from datetime import date


def today() -> date:
    """Today's date: the date of reference of every rule."""
    return date.today()
