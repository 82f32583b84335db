"""Database conflicts: every retry logged, and one that outlives Zope's retries
answered 409 "try again", never 500.

Zope retries a request that raised a ``TransientError`` (a ZODB
``ConflictError``, RelStorage's lock and read-conflict errors) up to
``max-conflict-retries`` times (3), silently. ``log_conflict`` (an
``IPubBeforeAbort`` subscriber) logs each one with what conflicted: INFO for a
retry, WARNING for the last one, which the ``index.html`` exception view of
``browser/conflict.py`` answers 409. ZPublisher renders exception views for a
transient error only once the request cannot be retried any more
(``WSGIPublisher.transaction_pubevents``), so the view sees exactly those.
"""

from transaction.interfaces import TransientError

import logging


logger = logging.getLogger("collective.nrlabel.conflicts")


def conflict_details(error) -> str:
    """What conflicted: "oid 0x…, class …", as much of it as the error carries."""
    parts = []
    oid = getattr(error, "oid", None)
    if isinstance(oid, bytes):
        parts.append(f"oid 0x{int.from_bytes(oid, 'big'):x}")
    get_class_name = getattr(error, "get_class_name", None)
    class_name = get_class_name() if get_class_name is not None else None
    if class_name:
        parts.append(f"class {class_name}")
    return ", ".join(parts) or str(error).splitlines()[0][:200]


def log_conflict(event):
    """An ``IPubBeforeAbort`` subscriber: log a transient error and whether the
    request will be tried again."""
    error = event.exc_info[1]
    if not isinstance(error, TransientError):
        return
    request = event.request
    path = request.get("PATH_INFO", "")
    method = request.get("REQUEST_METHOD", "")
    attempt = getattr(request, "retry_count", 0) + 1
    if event.retry:
        logger.info(
            "conflict, retrying %s %s (attempt %d): %s %s",
            method,
            path,
            attempt,
            type(error).__name__,
            conflict_details(error),
        )
    else:
        logger.warning(
            "conflict after %d attempts, given up (409): %s %s: %s %s",
            attempt,
            method,
            path,
            type(error).__name__,
            conflict_details(error),
        )
