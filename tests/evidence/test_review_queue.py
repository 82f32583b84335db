"""The review queue over HTTP: filters and order, what a reviewer reads before
deciding, the next item after a review, bulk approval (segregation of duties per
item), the expiry confirmation, result messages, and the expiring evidence list.

The test site speaks French, as make start's does; one class switches to English.
"""

from datetime import date
from nr_setup import add_audit
from nr_setup import add_evidence
from nr_setup import audit_transition
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import session
from nr_setup import token_of
from nr_setup import transition
from plone import api
from types import SimpleNamespace
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import html
import pytest
import requests
import transaction


TODAY = date(2026, 6, 1)


def text(response):
    return html.unescape(response.text)


def submitted(programme, code, title, kind, user_id="author", days=0, comment=""):
    """Evidence ``user_id`` submitted ``days`` ago, with ``comment``."""
    evidence = add_evidence(
        criterion_at(programme, code), user_id=user_id, title=title, kind=kind
    )
    transition(evidence, user_id, "submit", comment)
    history = evidence.workflow_history["nr_evidence_workflow"]
    evidence.workflow_history["nr_evidence_workflow"] = history[:-1] + (
        dict(history[-1], time=history[-1]["time"] - days),
    )
    evidence.reindexObject()
    return evidence


@pytest.fixture
def queue(functional_programme, clock):
    """Three pending items: oldest first they are the charter (theme 1, policy, by
    Author, 20 days), the report (theme 2, report, by Editor, 10 days) and the
    training (theme 1, training, by Author, 1 day)."""
    clock(TODAY)
    p = functional_programme
    criterion_at(p, "1.1.1").guidance = "Une charte signée par la direction."
    items = SimpleNamespace(
        programme=p,
        queue_url=f"{p.absolute_url()}/@@nr-review-queue",
        charte=submitted(
            p, "1.1.1", "Charte signée", "policy", days=20, comment="Votée en CODIR"
        ),
        rapport=submitted(
            p, "2.1.1", "Rapport carbone", "report", user_id="editor", days=10
        ),
        formation=submitted(p, "1.1.2", "Formation écoconception", "training", days=1),
    )
    transaction.commit()
    return items


def order_of(page, *titles):
    """The titles as they appear in ``page``, absent ones left out."""
    found = [t for t in titles if t in page]
    return sorted(found, key=page.index)


def post(s, url, user_id, **form):
    form.setdefault("_authenticator", token_of(user_id))
    return s.post(url, data=form, allow_redirects=False, timeout=60)


def review(s, evidence, user_id, transition_id, came_from=None, **form):
    form.update({"transition": transition_id, "form.buttons.confirm": "1"})
    if came_from is not None:
        form["came_from"] = came_from
    return post(s, f"{evidence.absolute_url()}/@@nr-transition", user_id, **form)


def state(obj):
    transaction.begin()
    return api.content.get_state(obj)


ALL = ("Charte signée", "Rapport carbone", "Formation écoconception")


class TestQueuePage:
    def test_oldest_first_with_criterion_guidance_kind_and_comment(self, queue):
        response = session("reviewer").get(queue.queue_url, timeout=60)
        assert response.status_code == 200
        page = text(response)
        assert order_of(page, *ALL) == list(ALL)
        row = page.split("Charte signée", 1)[1].split("</tr>", 1)[0]
        criterion = criterion_at(queue.programme, "1.1.1")
        assert f'href="{criterion.absolute_url()}"' in row
        assert "Une charte signée par la direction." in row  # expected evidence
        assert "<details" in row and "Preuves attendues" in row
        assert "Politique" in row  # the kind, translated
        assert "Votée en CODIR" in row  # the submit comment
        assert "20 jours" in row  # days waiting
        row = page.split("Formation écoconception", 1)[1].split("</tr>", 1)[0]
        assert "1 jour<" in row and "jour(s)" not in row
        assert "3 preuves en attente de relecture" in page

    @pytest.mark.parametrize(
        "params, shown",
        [
            ({"theme": "1"}, ["Charte signée", "Formation écoconception"]),
            ({"kind": "report"}, ["Rapport carbone"]),
            ({"submitter": "editor"}, ["Rapport carbone"]),
            ({"age": "7"}, ["Charte signée", "Rapport carbone"]),
            ({"age": "14"}, ["Charte signée"]),
            ({"theme": "1", "age": "14"}, ["Charte signée"]),
            ({"kind": "contract"}, []),
        ],
        ids=["theme", "kind", "submitter", "age7", "age14", "combined", "none"],
    )
    def test_each_filter_narrows(self, queue, params, shown):
        response = session("reviewer").get(queue.queue_url, params=params, timeout=60)
        assert response.status_code == 200
        page = text(response)
        assert order_of(page, *ALL) == shown
        if not shown:
            assert "Aucune preuve en attente de relecture ne correspond" in page
        # The form shows the filter in force.
        for value in params.values():
            assert f'value="{value}" selected' in response.text

    @pytest.mark.parametrize(
        "sort, expected",
        [
            ("oldest", ["Charte signée", "Rapport carbone", "Formation écoconception"]),
            ("newest", ["Formation écoconception", "Rapport carbone", "Charte signée"]),
            (
                "criterion",
                ["Charte signée", "Formation écoconception", "Rapport carbone"],
            ),
            # Author before Editor, then by waiting time within each.
            (
                "submitter",
                ["Charte signée", "Formation écoconception", "Rapport carbone"],
            ),
        ],
    )
    def test_sorting(self, queue, sort, expected):
        response = session("reviewer").get(
            queue.queue_url, params={"sort": sort}, timeout=60
        )
        assert response.status_code == 200
        assert order_of(text(response), *ALL) == expected

    def test_criterion_order_is_numeric(self, queue):
        late = submitted(queue.programme, "1.3.4", "Quatrième", "record", days=30)
        first = submitted(queue.programme, "1.1.3", "Troisième", "record", days=0)
        transaction.commit()
        page = text(
            session("reviewer").get(
                queue.queue_url, params={"sort": "criterion"}, timeout=60
            )
        )
        assert order_of(page, late.title, first.title, "Rapport carbone") == [
            "Troisième",
            "Quatrième",
            "Rapport carbone",
        ]

    @pytest.mark.parametrize(
        "params, named",
        [
            ({"theme": "../../etc"}, "Thématique"),
            ({"theme": "9"}, "Thématique"),
            ({"kind": "<script>alert(1)</script>"}, "Nature"),
            ({"submitter": "nobody-here"}, "Soumise par"),
            ({"age": "abc"}, "Attente"),
            ({"age": "-3"}, "Attente"),
            ({"age": "99999999999999999999"}, "Attente"),
            ({"sort": "title; drop"}, "Ordre"),
            ({"theme": ["1", "2"]}, "Thématique"),
        ],
    )
    def test_hostile_values_are_400_with_the_reason(self, queue, params, named):
        response = session("reviewer").get(queue.queue_url, params=params, timeout=60)
        assert response.status_code == 400
        page = text(response)
        # Named as the page labels the filter, not by the URL's parameter.
        assert f"La file de relecture n'a pas de filtre « {named} »" in page
        assert "<script>alert(1)</script>" not in response.text
        assert "Afficher toute la file" in page
        assert not order_of(page, *ALL)

    def test_unknown_parameters_are_ignored(self, queue):
        response = session("reviewer").get(
            queue.queue_url, params={"colour": "red"}, timeout=60
        )
        assert response.status_code == 200
        assert order_of(text(response), *ALL) == list(ALL)

    def test_expiry_badges(self, queue):
        queue.charte.valid_until = date(2026, 3, 1)  # expired on TODAY
        queue.rapport.valid_until = date(2026, 6, 15)  # within the reminder days
        queue.formation.valid_until = date(2030, 1, 1)
        for evidence in (queue.charte, queue.rapport, queue.formation):
            evidence.reindexObject()
        transaction.commit()
        page = text(session("reviewer").get(queue.queue_url, timeout=60))
        rows = {title: page.split(title, 1)[1].split("</tr>", 1)[0] for title in ALL}
        assert "Expirée" in rows["Charte signée"]
        assert "Expire bientôt" in rows["Rapport carbone"]
        assert "01/03/2026" in rows["Charte signée"]  # a localized date
        assert "Expir" not in rows["Formation écoconception"]

    def test_own_items_have_no_checkbox_nor_buttons(self, queue):
        from collective.nrlabel.evidence.rules import record_author

        record_author(queue.charte, "reviewer")  # the reviewer co-wrote the charter
        transaction.commit()
        page = session("reviewer").get(queue.queue_url, timeout=60).text
        assert f'value="{queue.charte.UID()}"' not in page
        assert f"{queue.charte.absolute_url()}/@@nr-transition" not in page
        assert f'value="{queue.rapport.UID()}"' in page
        assert "un autre relecteur doit la relire" in page


class TestNextItem:
    def test_approve_goes_to_the_next_item_with_the_filters(self, queue):
        s = session("reviewer")
        came_from = f"{queue.queue_url}?sort=newest"
        form = s.get(
            f"{queue.formation.absolute_url()}/@@nr-transition",
            params={"transition": "approve", "came_from": came_from},
            timeout=60,
        )
        assert form.status_code == 200
        assert f'value="{html.escape(came_from)}"' in form.text  # carried on
        response = review(s, queue.formation, "reviewer", "approve", came_from)
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == urlsplit(queue.rapport.absolute_url()).path + (
            "/@@nr-transition"
        )
        query = parse_qs(location.query)
        assert query["transition"] == ["approve"]
        assert query["came_from"] == [came_from]
        page = text(s.get(response.headers["Location"], timeout=60))
        assert "Approuvée : « Formation écoconception »." in page
        assert "Rejeter plutôt" in page  # the next item can be rejected too
        assert state(queue.formation) == "approved"

    def test_next_is_after_the_current_item_not_the_first(self, queue):
        s = session("reviewer")
        response = review(s, queue.rapport, "reviewer", "approve", queue.queue_url)
        assert response.headers["Location"].startswith(
            f"{queue.formation.absolute_url()}/@@nr-transition"
        )

    def test_reject_goes_to_the_next_item_then_the_queue_empty(self, queue):
        s = session("reviewer")
        came_from = f"{queue.queue_url}?theme=1"
        response = review(
            s, queue.charte, "reviewer", "reject", came_from, comment="Non signée"
        )
        assert response.headers["Location"].startswith(
            f"{queue.formation.absolute_url()}/@@nr-transition"
        )
        assert "Rejetée : « Charte signée »" in text(
            s.get(response.headers["Location"], timeout=60)
        )
        response = review(
            s, queue.formation, "reviewer", "reject", came_from, comment="Floue"
        )
        assert response.headers["Location"] == came_from
        page = text(s.get(came_from, timeout=60))
        assert "Rejetée : « Formation écoconception »" in page
        assert "File vide" in page
        assert state(queue.charte) == state(queue.formation) == "rejected"
        assert state(queue.rapport) == "pending"  # other theme, untouched

    def test_own_items_are_skipped(self, queue):
        # Author reviews nothing of theirs: after the report, the queue is empty.
        api.user.grant_roles(
            username="author", obj=queue.programme, roles=["NR Reviewer"]
        )
        transaction.commit()
        s = session("author")
        response = review(s, queue.rapport, "author", "approve", queue.queue_url)
        assert response.headers["Location"] == queue.queue_url
        assert "File vide" in text(s.get(queue.queue_url, timeout=60))

    def test_without_came_from_back_to_the_criterion(self, queue):
        response = review(session("reviewer"), queue.charte, "reviewer", "approve")
        assert response.headers["Location"] == queue.charte.__parent__.absolute_url()

    @pytest.mark.parametrize(
        "came_from",
        [
            "https://evil.example/plone/@@nr-review-queue",
            "//evil.example/plone/programme-nr/@@nr-review-queue",
            "javascript:alert(1)",
            "EVIL_SAME_PATH",
            "OTHER_PAGE",
            "http://[::1",
        ],
    )
    def test_came_from_never_leaves_the_programme(self, queue, came_from):
        if came_from == "EVIL_SAME_PATH":
            path = urlsplit(queue.queue_url).path
            came_from = f"https://evil.example{path}"
        if came_from == "OTHER_PAGE":
            came_from = f"{queue.programme.absolute_url()}/@@nr-dashboard"
        s = session("reviewer")
        form = s.get(
            f"{queue.charte.absolute_url()}/@@nr-transition",
            params={"transition": "approve", "came_from": came_from},
            timeout=60,
        )
        assert form.status_code == 200
        assert "evil.example" not in form.text
        cancel = post(
            s,
            f"{queue.charte.absolute_url()}/@@nr-transition",
            "reviewer",
            transition="approve",
            came_from=came_from,
            **{"form.buttons.cancel": "1"},
        )
        assert cancel.headers["Location"] == queue.charte.absolute_url()
        response = review(s, queue.charte, "reviewer", "approve", came_from)
        assert response.status_code == 302
        assert response.headers["Location"] == queue.charte.__parent__.absolute_url()

    def test_hostile_filters_in_came_from_fall_back_to_the_whole_queue(self, queue):
        came_from = f"{queue.queue_url}?kind=<b>&sort=evil"
        response = review(
            session("reviewer"), queue.charte, "reviewer", "approve", came_from
        )
        location = urlsplit(response.headers["Location"])
        assert parse_qs(location.query)["came_from"] == [queue.queue_url]


def test_reject_without_reason_marks_the_field(queue):
    s = session("reviewer")
    response = review(s, queue.charte, "reviewer", "reject", comment="  ")
    assert response.status_code == 400
    page = response.text
    assert 'aria-invalid="true"' in page
    assert 'id="nr-comment-error"' in page
    assert "un motif est obligatoire" in page
    assert state(queue.charte) == "pending"


@pytest.mark.parametrize("user_id", ["auditor", "reader", "editor"])
def test_queue_is_for_reviewers_only(queue, user_id):
    """Others got an empty queue ("nothing waits") while items waited: misleading."""
    response = session(user_id).get(queue.queue_url, allow_redirects=False, timeout=60)
    assert response.status_code in (302, 401, 403)
    assert "Charte signée" not in response.text


class TestBulkApprove:
    def bulk(self, s, queue, uids, user_id="reviewer", **form):
        return post(
            s,
            f"{queue.programme.absolute_url()}/@@nr-bulk-approve",
            user_id,
            **{"uids:list": uids, "came_from": queue.queue_url, **form},
        )

    def test_self_approval_attempt_inside_the_batch(self, queue):
        # The reviewer changed the report: a co-author, who may not approve it.
        queue.rapport.nr_modifiers = ("reviewer",)
        queue.rapport.reindexObject()
        transaction.commit()
        uids = [queue.charte.UID(), queue.rapport.UID(), queue.formation.UID()]
        s = session("reviewer")
        confirm = self.bulk(s, queue, uids, **{"form.buttons.select": "1"})
        assert confirm.status_code == 200
        page = text(confirm)
        assert order_of(page, *ALL) == list(ALL)
        assert "Ne sera pas approuvée" in page.split("Rapport carbone", 1)[1]
        assert "un autre relecteur doit la relire" in page
        assert state(queue.charte) == "pending"  # nothing done before confirming

        done = self.bulk(s, queue, uids, **{"form.buttons.confirm": "1"})
        assert done.status_code == 200
        page = text(done)
        assert "Preuves approuvées : 2." in page
        refused = page.split("Non approuvées", 1)[1]
        assert "Rapport carbone" in refused
        assert "un autre relecteur doit la relire" in refused
        assert state(queue.charte) == "approved"
        assert state(queue.formation) == "approved"
        assert state(queue.rapport) == "pending"

    def test_queue_offers_checkboxes_and_the_button(self, queue):
        page = session("reviewer").get(queue.queue_url, timeout=60).text
        assert page.count('name="uids:list"') == 3
        assert (
            'action="' + queue.programme.absolute_url() + '/@@nr-bulk-approve"' in page
        )
        assert "Approuver la sélection" in page

    def test_get_changes_nothing(self, queue):
        uids = [queue.charte.UID()]
        response = session("reviewer").get(
            f"{queue.programme.absolute_url()}/@@nr-bulk-approve",
            params={"uids:list": uids, "form.buttons.confirm": "1"},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code in (302, 303)
        assert state(queue.charte) == "pending"

    @pytest.mark.parametrize("user_id", ["editor", "reader", "auditor", None])
    def test_only_reviewers(self, queue, user_id):
        response = requests.post(
            f"{queue.programme.absolute_url()}/@@nr-bulk-approve",
            data={
                "uids:list": [queue.charte.UID()],
                "form.buttons.confirm": "1",
                "_authenticator": token_of(user_id) if user_id else "",
            },
            auth=(user_id, PASSWORD) if user_id else None,
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code in (302, 401, 403)
        assert state(queue.charte) == "pending"

    def test_without_csrf_token(self, queue):
        response = self.bulk(
            session("reviewer"),
            queue,
            [queue.charte.UID()],
            _authenticator="forged",
            **{"form.buttons.confirm": "1"},
        )
        assert response.status_code == 403
        assert state(queue.charte) == "pending"

    def test_unknown_and_foreign_uids_are_listed_not_500(
        self, queue, functional_portal
    ):
        with api.env.adopt_roles(["Manager"]):
            other = api.content.create(
                container=functional_portal, type="nr_programme", title="Autre"
            )
        api.user.grant_roles(username="author", obj=other, roles=["NR Editor"])
        api.user.grant_roles(username="reviewer", obj=other, roles=["NR Reviewer"])
        foreign = evidence_in_state(other["1"]["1.1"]["1.1.1"], "pending")
        transaction.commit()
        uids = ["not-a-uid", foreign.UID(), queue.charte.UID()]
        response = self.bulk(
            session("reviewer"), queue, uids, **{"form.buttons.confirm": "1"}
        )
        assert response.status_code == 200
        page = text(response)
        assert "Preuves approuvées : 1." in page
        assert page.count("n'est pas une preuve de ce programme") == 2
        assert state(foreign) == "pending"

    def test_nothing_selected(self, queue):
        s = session("reviewer")
        response = self.bulk(s, queue, [], **{"form.buttons.select": "1"})
        assert response.status_code == 303
        assert "Sélectionnez d'abord" in text(
            s.get(response.headers["Location"], timeout=60)
        )


class TestExpiryConfirmation:
    def test_expired_evidence_needs_the_confirmation(self, queue):
        queue.charte.valid_until = date(2026, 3, 1)
        transaction.commit()
        s = session("reviewer")
        form = text(
            s.get(
                f"{queue.charte.absolute_url()}/@@nr-transition",
                params={"transition": "approve"},
                timeout=60,
            )
        )
        assert "Cette preuve a expiré le 01/03/2026" in form
        assert 'name="confirm_expiry"' in form
        response = review(s, queue.charte, "reviewer", "approve")
        assert response.status_code == 200
        assert "Cochez la case pour confirmer" in text(response)
        assert state(queue.charte) == "pending"
        response = review(s, queue.charte, "reviewer", "approve", confirm_expiry="1")
        assert response.status_code == 302
        assert state(queue.charte) == "approved"

    def test_expiring_before_the_next_audit_ends(self, queue):
        add_audit(queue.programme, date(2026, 9, 1), date(2026, 9, 30))
        queue.charte.valid_until = date(2026, 9, 15)
        transaction.commit()
        s = session("reviewer")
        response = review(s, queue.charte, "reviewer", "approve")
        page = text(response)
        assert "expire le 15/09/2026, avant la fin du prochain audit (30/09/2026)" in (
            page
        )
        assert state(queue.charte) == "pending"

    def test_far_validity_needs_nothing(self, queue):
        queue.charte.valid_until = date(2030, 1, 1)
        transaction.commit()
        response = review(session("reviewer"), queue.charte, "reviewer", "approve")
        assert response.status_code == 302
        assert state(queue.charte) == "approved"

    def test_state_menu_sends_to_the_form(self, queue):
        queue.charte.valid_until = date(2026, 3, 1)
        transaction.commit()
        s = session("reviewer")
        response = post(
            s,
            f"{queue.charte.absolute_url()}/content_status_modify",
            "reviewer",
            workflow_action="approve",
        )
        assert response.status_code == 303
        assert "@@nr-transition?transition=approve" in response.headers["Location"]
        assert state(queue.charte) == "pending"

    def test_bulk_lists_the_warning_and_needs_the_confirmation(self, queue):
        queue.charte.valid_until = date(2026, 3, 1)
        transaction.commit()
        uids = [queue.charte.UID(), queue.rapport.UID()]
        url = f"{queue.programme.absolute_url()}/@@nr-bulk-approve"
        s = session("reviewer")
        confirm = post(s, url, "reviewer", **{"uids:list": uids})
        assert "Cette preuve a expiré le 01/03/2026" in text(confirm)
        assert f'value="{queue.charte.UID()}"' in confirm.text
        done = post(
            s, url, "reviewer", **{"uids:list": uids, "form.buttons.confirm": "1"}
        )
        page = text(done)
        assert "Preuves approuvées : 1." in page
        assert "validité non confirmée" in page
        assert state(queue.charte) == "pending"
        assert state(queue.rapport) == "approved"
        done = post(
            s,
            url,
            "reviewer",
            **{
                "uids:list": [queue.charte.UID()],
                "confirm_expiry:list": [queue.charte.UID()],
                "form.buttons.confirm": "1",
            },
        )
        assert "Preuves approuvées : 1." in text(done)
        assert state(queue.charte) == "approved"


def in_english(*user_ids):
    """Switch the site and ``user_ids`` to English."""
    api.portal.set_registry_record("plone.available_languages", ["fr", "en"])
    api.portal.set_registry_record("plone.default_language", "en")
    for user_id in user_ids:
        api.user.get(userid=user_id).setMemberProperties({"language": "en"})
    transaction.commit()


def english(user_id):
    s = session(user_id)
    s.headers["Accept-Language"] = "en"
    return s


class TestResultMessages:
    @pytest.mark.parametrize(
        "start, user_id, transition_id, form, said",
        [
            ("draft", "author", "submit", {}, "Soumise pour relecture : « Pièce »."),
            ("pending", "reviewer", "approve", {}, "Approuvée : « Pièce »."),
            (
                "pending",
                "reviewer",
                "reject",
                {"comment": "Non"},
                "Rejetée : « Pièce ». Ses auteurs voient votre motif.",
            ),
            ("rejected", "author", "revise", {}, "Remise en brouillon : « Pièce »."),
            ("approved", "lead", "reopen", {}, "Rouverte et remise en brouillon"),
        ],
    )
    def test_french(
        self, functional_criterion, start, user_id, transition_id, form, said
    ):
        evidence = evidence_in_state(functional_criterion, start, title="Pièce")
        transaction.commit()
        s = session(user_id)
        response = review(s, evidence, user_id, transition_id, **form)
        assert response.status_code == 302
        page = text(s.get(response.headers["Location"], timeout=60))
        assert said in page

    @pytest.mark.parametrize(
        "start, user_id, transition_id, form, said",
        [
            ("draft", "author", "submit", {}, "Submitted for review: “Item”."),
            ("pending", "reviewer", "approve", {}, "Approved: “Item”."),
            ("pending", "reviewer", "reject", {"comment": "No"}, "Rejected: “Item”."),
            ("rejected", "author", "revise", {}, "Back to draft: “Item”."),
        ],
    )
    def test_english(
        self, functional_criterion, start, user_id, transition_id, form, said
    ):
        evidence = evidence_in_state(functional_criterion, start, title="Item")
        in_english(user_id)
        s = english(user_id)
        response = review(s, evidence, user_id, transition_id, **form)
        assert response.status_code == 302
        page = text(s.get(response.headers["Location"], timeout=60))
        assert said in page
        assert "Approuvée" not in page and "Soumise" not in page

    def test_english_queue_empty_and_badges(self, queue):
        queue.charte.valid_until = date(2026, 3, 1)
        in_english("reviewer")
        s = english("reviewer")
        page = text(s.get(queue.queue_url, params={"theme": "2"}, timeout=60))
        assert "Review queue" in page and "Rapport carbone" in page
        page = text(s.get(queue.queue_url, timeout=60))
        assert "Expired" in page and "Approve selected" in page
        came_from = f"{queue.queue_url}?theme=2"
        response = review(s, queue.rapport, "reviewer", "approve", came_from)
        page = text(s.get(response.headers["Location"], timeout=60))
        assert "Approved: “Rapport carbone”." in page
        assert "Queue empty" in page

    def test_state_menu_says_the_result(self, functional_criterion):
        evidence = evidence_in_state(functional_criterion, "draft", title="Pièce")
        transaction.commit()
        s = session("author")
        response = post(
            s,
            f"{evidence.absolute_url()}/content_status_modify",
            "author",
            workflow_action="submit",
        )
        assert response.status_code == 302
        page = text(s.get(response.headers["Location"], timeout=60))
        assert "Soumise pour relecture : « Pièce »." in page
        assert "L'état de l'élément a été modifié" not in page
        assert "Item state changed" not in page
        assert state(evidence) == "pending"


@pytest.fixture
def expiring(functional_programme, clock):
    """Approved evidence: one expired, one expiring soon, one valid for long; and
    a pending one that has expired (not in the list: not approved)."""
    clock(TODAY)
    p = functional_programme
    criterion = criterion_at(p, "1.1.1")
    criterion.owner = "editor"
    items = SimpleNamespace(
        programme=p,
        url=f"{p.absolute_url()}/@@nr-expiring-evidence",
        expired=evidence_in_state(
            criterion, "approved", title="Ancienne charte", valid_until=date(2026, 2, 1)
        ),
        soon=evidence_in_state(
            criterion, "approved", title="Bilan bientôt", valid_until=date(2026, 6, 20)
        ),
        fine=evidence_in_state(
            criterion, "approved", title="Bilan durable", valid_until=date(2030, 1, 1)
        ),
        pending=evidence_in_state(
            criterion, "pending", title="En attente", valid_until=date(2026, 2, 1)
        ),
    )
    transaction.commit()
    return items


class TestExpiringList:
    def test_content(self, expiring):
        response = session("reader").get(expiring.url, timeout=60)
        assert response.status_code == 200
        page = text(response)
        assert order_of(page, "Ancienne charte", "Bilan bientôt") == [
            "Ancienne charte",
            "Bilan bientôt",
        ]
        assert "Bilan durable" not in page
        assert "En attente" not in page.split("</h1>", 1)[1].split("<footer", 1)[0]
        expired = page.split("Ancienne charte", 1)[1].split("</tr>", 1)[0]
        assert "01/02/2026" in expired and "Expirée" in expired
        assert "Responsable : Editor" in expired
        assert "Soumise par Author" in expired
        assert criterion_at(expiring.programme, "1.1.1").absolute_url() in expired
        soon = page.split("Bilan bientôt", 1)[1].split("</tr>", 1)[0]
        assert "20/06/2026" in soon and "Expire bientôt" in soon
        assert expiring.expired.absolute_url() in page

    def test_linked_from_the_programme_and_the_queue(self, expiring):
        s = session("reviewer")
        for url in (
            expiring.programme.absolute_url(),
            f"{expiring.programme.absolute_url()}/@@nr-review-queue",
        ):
            page = s.get(url, timeout=60).text
            assert expiring.url in page
        assert (
            "@@nr-review-queue"
            in s.get(expiring.programme.absolute_url(), timeout=60).text
        )

    @pytest.mark.parametrize("user_id", ["reader", "editor", "reviewer", "lead"])
    def test_people_with_a_role_see_it(self, expiring, user_id):
        response = session(user_id).get(expiring.url, timeout=60)
        assert response.status_code == 200
        assert "Ancienne charte" in text(response)

    def test_auditor_only_while_their_audit_is_open(self, expiring):
        with api.env.adopt_roles(["Manager"]):
            api.user.create(
                username="auditor2", email="a2@example.org", password=PASSWORD
            )
        audit = add_audit(
            expiring.programme, date(2026, 5, 1), date(2026, 7, 31), ("auditor2",)
        )
        transaction.commit()
        refused = session("auditor2").get(
            expiring.url, allow_redirects=False, timeout=60
        )
        assert refused.status_code in (302, 401, 403)
        audit_transition(audit, "start_audit")
        transaction.commit()
        response = session("auditor2").get(expiring.url, timeout=60)
        assert response.status_code == 200
        page = text(response)
        assert "Ancienne charte" in page
        # The audit ends after the reminder period: its end is the horizon.
        assert "31/07/2026" in page

    @pytest.mark.parametrize("role", ["Reader", "Editor", "Reviewer", "Member"])
    def test_site_wide_roles_and_anonymous_see_nothing(self, expiring, role):
        user_id = f"g_{role.lower()}"
        with api.env.adopt_roles(["Manager"]):
            api.user.create(
                username=user_id, email=f"{user_id}@example.org", password=PASSWORD
            )
            api.user.grant_roles(username=user_id, roles=[role])
        transaction.commit()
        for s in (session(user_id), session()):
            response = s.get(expiring.url, allow_redirects=False, timeout=60)
            assert response.status_code in (302, 401, 403)
            assert "Ancienne charte" not in response.text
