"""ZEO clients forget the object ids they fetched in advance when they
reconnect.

``ZEO.ClientStorage.new_oid`` serves ids from a list fetched from the server
in batches (``_oids``), and keeps that list across a reconnect. A restarted
FileStorage counts again from the highest *committed* id, so the server hands
out ids that clients still hold: two new objects get the same id. ZODB then
refuses most collisions (``ValueError: A different object already has the same
oid``, a ``ConflictError`` on a new object), which became 500s after every
ZEO server restart in tests/cluster/test_faults.py, and the same run lost path
index entries (see docs/install.md, "Production").

``apply`` is called once, when the add-on is imported (``__init__.py``).
"""


def apply():
    try:
        from ZEO.ClientStorage import ClientStorage
    except ImportError:  # no ZEO in this installation
        return
    if getattr(ClientStorage.notify_connected, "_nrlabel_forgets_oids", False):
        return
    connected = ClientStorage.notify_connected

    def notify_connected(self, conn, info):
        # Ids fetched from a server that may have restarted since: never used.
        del self._oids[:]
        return connected(self, conn, info)

    notify_connected._nrlabel_forgets_oids = True
    ClientStorage.notify_connected = notify_connected
