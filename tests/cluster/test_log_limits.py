"""The event log of every Zope process (etc/zope.ini.in) writes the same error once
per interval: a database outage cannot flood it."""

from collective.nrlabel.log_limits import RepeatLimitedFileHandler

import logging
import pytest


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def logged(tmp_path):
    clock = Clock()
    path = tmp_path / "event.log"
    handler = RepeatLimitedFileHandler(path, interval=10, clock=clock)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("nrlabel.test.log_limits")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield logger, clock, path
    logger.removeHandler(handler)
    handler.close()


def _fail(logger, url):
    try:
        raise OSError("connection to server failed: Connection refused")
    except OSError:
        logger.exception("Exception while serving %s", url)


def test_the_same_error_is_written_once_per_interval(logged):
    logger, clock, path = logged
    for i in range(500):
        _fail(logger, f"/Plone/{i}")
    text = path.read_text()
    assert text.count("Exception while serving") == 1
    clock.now = 10.5
    _fail(logger, "/Plone/after")
    text = path.read_text()
    assert text.count("Exception while serving") == 2
    assert "(499 more like this in the last 10 s were not logged)" in text


def test_tracebacks_logged_as_text_are_grouped_by_their_last_line(logged):
    logger, _clock, path = logged
    for i in range(20):
        logger.error(
            f"{i} http://x/Plone\nTraceback:\n  Module a\nOperationalError: down"
        )
    logger.error("21 http://x/Plone\nTraceback:\n  Module a\nKeyError: 'other'")
    assert path.read_text().count("Traceback:") == 2


def test_repeated_warnings_are_grouped_numbers_aside(logged):
    logger, _clock, path = logged
    for i in range(30):
        logger.warning("DB.open() has %s open connections with a pool_size of 7", i)
    logger.warning("another warning")
    text = path.read_text()
    assert text.count("DB.open()") == 1
    assert text.count("another warning") == 1


def test_information_passes(logged):
    logger, _clock, path = logged
    for _ in range(5):
        logger.info("ConflictError at /Plone: retried")
    assert path.read_text().count("retried") == 5
