"""One page of a long list, from the ``b_start`` parameter Plone's batch
navigation writes in its links."""

from plone.batching import Batch
from plone.batching.browser import PloneBatchView
from ZTUtils import make_query


def page_start(value, total: int, size: int) -> int:
    """The first item of the page ``value`` (``b_start``) asks for.

    A whole number, rounded down to a page boundary (so that every item is on
    exactly one page) and kept between the first and the last page: a link
    edited by hand or kept from when the list was longer shows a real page, never
    an empty one or an error. Anything else (text, a repeated parameter) is the
    first page.
    """
    if not isinstance(value, str | int) or isinstance(value, bool):
        return 0
    try:
        start = int(value)
    except ValueError:
        return 0
    last = max(total - 1, 0) // size * size
    return min(max(start, 0) // size * size, last)


def page_of(sequence, value, size: int) -> Batch:
    """The page of ``sequence`` (catalog results: only that page's records are
    read) that ``value`` (``b_start``) asks for."""
    total = len(sequence)
    return Batch(sequence, size, page_start(value, total, size))


class PageLinks(PloneBatchView):
    """Plone's batch navigation, its links with ``b_start=40`` where Plone writes
    ``b_start:int=40``: ZPublisher converts ``:int`` before any view is called and
    answers a hand-edited ``b_start:int=abc`` with an error page (500), while a
    plain ``b_start`` reaches ``page_start``. The other query parameters are kept.
    """

    def make_link(self, pagenumber=None, omit_params=("ajax_load",)):
        query = {}
        if "PARENT_REQUEST" in self.request:
            query.update(self.request["PARENT_REQUEST"].form)
        query.update(self.request.form)
        for key in (*omit_params, "b_start", "b_start:int"):
            query.pop(key, None)
        start = max((pagenumber or 1) - 1, 0) * self.batch.pagesize
        query["b_start"] = str(start)
        return f"{self.request.ACTUAL_URL}?{make_query(query)}"
