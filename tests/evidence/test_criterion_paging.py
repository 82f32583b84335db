"""The criterion page lists its evidence one page at a time (issue #15): every item
on exactly one page, the counts are totals of what the reader may see, and a
hand-edited ``b_start`` shows a real page, never an error.

Over HTTP, on the functional layer; the test site speaks French.
"""

from collective.nrlabel.browser.evidence import EVIDENCE_PAGE_SIZE
from collective.nrlabel.browser.paging import page_start
from lxml import html
from nr_setup import add_evidence
from nr_setup import criterion_at
from nr_setup import PASSWORD
from nr_setup import transition
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import pytest
import requests
import transaction


APPROVED = 25
DRAFTS = 10
# One approved item attached to 1.1.2 also supports 1.1.1.
SEEN_BY_WRITERS = APPROVED + DRAFTS + 1
SEEN_BY_READERS = APPROVED + 1
PAGE = EVIDENCE_PAGE_SIZE
# Where the last page of what the author sees starts, and its number (0-based).
LAST_START = (SEEN_BY_WRITERS - 1) // PAGE * PAGE
LAST_PAGE = LAST_START // PAGE


def link_evidence(criterion, title, state, **fields):
    """A link (cheaper to create than a file) in ``state``, as the author."""
    evidence = add_evidence(
        criterion, title=title, file=None, link=f"https://example.org/{title}", **fields
    )
    if state == "approved":
        transition(evidence, "author", "submit")
        transition(evidence, "reviewer", "approve")
    return evidence


@pytest.fixture
def crowded(functional_programme):
    """Criterion 1.1.1 with 25 approved items, 10 drafts and one approved item of
    1.1.2 that also supports it; titles "Preuve 00" … in creation order."""
    criterion = criterion_at(functional_programme, "1.1.1")
    other = criterion_at(functional_programme, "1.1.2")
    titles = {"approved": [], "draft": []}
    for index in range(APPROVED + DRAFTS):
        state = "draft" if index % 3 == 1 and index < 3 * DRAFTS else "approved"
        title = f"Preuve {index:02d}"
        link_evidence(criterion, title, state)
        titles[state].append(title)
    relation = RelationValue(getUtility(IIntIds).getId(criterion))
    link_evidence(other, "Preuve partagée", "approved", supported_criteria=[relation])
    titles["approved"].append("Preuve partagée")
    transaction.commit()
    return criterion, titles


def get(url, user_id, **params):
    response = requests.get(url, auth=(user_id, PASSWORD), params=params, timeout=60)
    return response


def parsed(response):
    assert response.status_code == 200, response.text[:500]
    return html.fromstring(response.text)


def row_titles(page):
    return [
        " ".join(a.text_content().split())
        for a in page.xpath("//tr[contains(@class, 'nr-evidence-row')]/td[1]/a[1]")
    ]


def text_of(page, css_class):
    nodes = page.xpath(f"//*[contains(@class, '{css_class}')]")
    return " ".join(" ".join(n.text_content().split()) for n in nodes)


def next_link(page):
    links = page.xpath("//li[contains(@class, 'next')]/a/@href")
    return links[0] if links else None


def every_page(url, user_id):
    """The titles on each page, following the batch navigation's "next" link."""
    pages = []
    page = parsed(get(url, user_id))
    while True:
        pages.append(row_titles(page))
        link = next_link(page)
        if link is None:
            return pages
        assert len(pages) < 10, "the navigation never ends"
        page = parsed(requests.get(link, auth=(user_id, PASSWORD), timeout=60))


class TestPaging:
    def test_one_page_then_the_navigation_reaches_every_item_once(self, crowded):
        criterion, titles = crowded
        pages = every_page(criterion.absolute_url(), "author")

        assert len(pages) == LAST_PAGE + 1 > 1
        assert [len(p) for p in pages] == [PAGE] * LAST_PAGE + [
            SEEN_BY_WRITERS - LAST_START
        ]
        shown = [title for page in pages for title in page]
        assert sorted(shown) == sorted(titles["approved"] + titles["draft"])
        assert len(set(shown)) == len(shown)

    def test_counts_are_totals_not_the_page(self, crowded):
        criterion, _titles = crowded
        page = parsed(get(criterion.absolute_url(), "author"))

        counts = text_of(page, "nr-evidence-count")
        assert f"{SEEN_BY_WRITERS} au total" in counts
        assert f"Approuvée : {APPROVED + 1}" in counts
        assert f"Brouillon : {DRAFTS}" in counts
        assert f"Preuves 1 à {PAGE} sur {SEEN_BY_WRITERS}" in text_of(
            page, "nr-evidence-range"
        )
        last = parsed(get(criterion.absolute_url(), "author", b_start=LAST_START))
        assert f"{SEEN_BY_WRITERS} au total" in text_of(last, "nr-evidence-count")
        assert (
            f"Preuves {LAST_START + 1} à {SEEN_BY_WRITERS} sur {SEEN_BY_WRITERS}"
            in text_of(last, "nr-evidence-range")
        )

    def test_rows_keep_their_details(self, crowded):
        """The shared item still says where it is attached; states are labelled."""
        criterion, _titles = crowded
        last = parsed(get(criterion.absolute_url(), "author", b_start=LAST_START))

        assert "Preuve partagée" in row_titles(last)
        assert "Rattachée au critère 1.1.2" in last.text_content()
        first = parsed(get(criterion.absolute_url(), "author"))
        assert first.xpath("//tr[contains(@class, 'nr-state-draft')]")
        assert "Brouillon" in text_of(first, "nr-state-draft")

    def test_links_keep_the_other_parameters(self, crowded):
        criterion, _titles = crowded
        page = parsed(get(criterion.absolute_url(), "author", set_language="fr"))

        query = parse_qs(urlsplit(next_link(page)).query)
        assert query["b_start"] == [str(PAGE)]
        assert query["set_language"] == ["fr"]

    def test_one_page_has_no_navigation(self, functional_programme):
        criterion = criterion_at(functional_programme, "1.1.1")
        link_evidence(criterion, "Seule", "approved")
        transaction.commit()
        page = parsed(get(criterion.absolute_url(), "author"))

        assert row_titles(page) == ["Seule"]
        assert not page.xpath("//ul[contains(@class, 'pagination')]")
        assert not page.xpath("//*[contains(@class, 'nr-evidence-range')]")
        assert "1 au total" in text_of(page, "nr-evidence-count")


# b_start as typed in the address bar → the page shown (0: the first).
HOSTILE = [
    ("-5", 0),
    ("abc", 0),
    ("", 0),
    ("1e3", 0),
    (str(PAGE - 3), 0),  # rounded down to the page that holds that item
    (str(PAGE), 1),
    (str(PAGE + 5), 1),
    ("99999999999999999999", LAST_PAGE),  # beyond the end: the last page
    ("9" * 5000, 0),  # too long for int(): not a number
    (["0", str(PAGE)], 0),  # repeated
]


class TestHostileStart:
    def test_a_real_page_never_an_error(self, crowded):
        """One test for all the values: building the criterion is the slow part."""
        criterion, _titles = crowded
        url = criterion.absolute_url()
        pages = every_page(url, "author")

        shown = {}
        for b_start, _page in HOSTILE:
            response = get(url, "author", b_start=b_start)
            assert response.status_code == 200, (b_start, response.status_code)
            shown[str(b_start)[:20]] = row_titles(parsed(response))
        assert shown == {str(b)[:20]: pages[page] for b, page in HOSTILE}

    def test_the_navigation_does_not_ask_zpublisher_for_a_number(self, crowded):
        """``b_start:int=abc`` fails in ZPublisher before any view (500, on every
        Zope page): the page's links write a plain ``b_start``, which the view
        checks itself."""
        criterion, _titles = crowded
        page = parsed(get(criterion.absolute_url(), "author"))

        links = page.xpath("//ul[contains(@class, 'pagination')]//a/@href")
        assert links
        assert not [link for link in links if "b_start:int" in link]


class TestPermissions:
    def test_a_reader_sees_no_draft_on_any_page_nor_in_the_totals(self, crowded):
        criterion, titles = crowded
        pages = every_page(criterion.absolute_url(), "reader")

        shown = [title for page in pages for title in page]
        assert sorted(shown) == sorted(titles["approved"])
        assert not set(shown) & set(titles["draft"])
        page = parsed(get(criterion.absolute_url(), "reader"))
        counts = text_of(page, "nr-evidence-count")
        assert f"{SEEN_BY_READERS} au total" in counts
        assert "Brouillon" not in counts
        last = parsed(get(criterion.absolute_url(), "reader", b_start=10**6))
        assert row_titles(last) == pages[-1]
        assert not last.xpath("//tr[contains(@class, 'nr-state-draft')]")


@pytest.mark.parametrize(
    "value, total, start",
    [
        ("0", 45, 0),
        ("19", 45, 0),
        ("20", 45, 20),
        ("44", 45, 40),
        ("45", 45, 40),
        ("-1", 45, 0),
        ("x", 45, 0),
        (None, 45, 0),
        (["20"], 45, 0),
        ("20", 0, 0),
        ("40", 40, 20),
        (True, 45, 0),
    ],
)
def test_page_start(value, total, start):
    assert page_start(value, total, 20) == start


def test_list_formats_say_what_localized_says(programme):
    """The criterion page's dates, formatted with the format looked up once, read
    as Plone formats them one by one (the test request speaks English: month
    names)."""
    from collective.nrlabel.browser.display import ListFormats
    from collective.nrlabel.browser.display import localized
    from DateTime import DateTime
    from datetime import date
    from datetime import datetime

    formats = ListFormats()
    for value in (
        date(2026, 1, 10),
        datetime(2026, 3, 4, 17, 5),
        DateTime("2026/11/30 02:11:00 GMT+1"),
        None,
    ):
        for long_format in (False, True):
            assert formats.date(value, long_format) == localized(value, long_format)
