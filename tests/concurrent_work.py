"""Concurrent transactions on the functional layer's database.

Each worker runs in its own thread with its own ZODB connection (and so its own
transaction), on the functional layer's DemoStorage, which commits for real and
resolves conflicts as a FileStorage does. Used by tests/concurrency/.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from contextlib import contextmanager
from plone.app.testing import PLONE_SITE_ID
from Products.CMFCore.indexing import processQueue
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.globalrequest import setRequest

import threading
import transaction


@contextmanager
def site_in_own_connection(db, user_id):
    """The Plone site in a new connection, acting as ``user_id``."""
    connection = db.open()
    app = makerequest(connection.root()["Application"])
    setRequest(app.REQUEST)
    site = app[PLONE_SITE_ID]
    setSite(site)
    acl_users = site.acl_users
    newSecurityManager(None, acl_users.getUserById(user_id).__of__(acl_users))
    try:
        yield site
    finally:
        transaction.abort()
        noSecurityManager()
        setSite(None)
        setRequest(None)
        app.REQUEST.close()
        connection.close()


def interleaved(db, *changes):
    """Run each ``(user_id, change)`` in its own thread and connection: every
    change is made before any commits, then they commit one after the other.

    ``change(site)`` is the work of one transaction. Returns the error each
    commit raised (None when it committed): before a hot spot is removed the
    second one is a ConflictError.
    """
    made = threading.Barrier(len(changes))
    turns = [threading.Event() for _ in changes]
    errors = [None] * len(changes)

    def work(index, user_id, change):
        with site_in_own_connection(db, user_id) as site:
            try:
                change(site)
                processQueue()
            except Exception as error:  # noqa: BLE001 - reported to the test
                errors[index] = error
            made.wait(timeout=60)
            if index:
                turns[index - 1].wait(timeout=60)
            try:
                if errors[index] is None:
                    transaction.commit()
            except Exception as error:  # noqa: BLE001 - reported to the test
                errors[index] = error
            finally:
                turns[index].set()

    threads = [
        threading.Thread(target=work, args=(index, user_id, change))
        for index, (user_id, change) in enumerate(changes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
