"""Screens of the labelling cycle: action plan, audits, findings, renewal, auditor
downloads and reminders."""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.action_plan import action_plan
from collective.nrlabel.action_plan import actions_from
from collective.nrlabel.action_plan import create_action_from_finding
from collective.nrlabel.action_plan import is_overdue
from collective.nrlabel.action_plan import plan_actions
from collective.nrlabel.audit.downloads import downloads
from collective.nrlabel.audit.lifecycle import has_outcome_step
from collective.nrlabel.audit.lifecycle import label_expiry
from collective.nrlabel.audit.renewal import default_window
from collective.nrlabel.audit.renewal import evidence_carried_over
from collective.nrlabel.audit.renewal import evidence_expired_for
from collective.nrlabel.audit.renewal import RenewalError
from collective.nrlabel.audit.renewal import start_renewal
from collective.nrlabel.audit.window import window_open
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import localized_moment
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.browser.display import status_form_url
from collective.nrlabel.browser.display import transitions
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.browser.display import workflow_title
from collective.nrlabel.browser.posting import checked_post
from collective.nrlabel.content.audit import OUTCOME_FIELDS
from collective.nrlabel.permissions import AddAction
from collective.nrlabel.permissions import AddFinding
from collective.nrlabel.permissions import ManageAudits
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.relations import related_object
from collective.nrlabel.relations import related_objects
from collective.nrlabel.reminders import collect_reminders
from collective.nrlabel.reminders import expire_labels
from collective.nrlabel.reminders import send_reminders
from collective.nrlabel.vocabularies import term_title
from datetime import date
from functools import cached_property
from plone import api
from plone.app.content.browser.content_status_modify import (
    ContentStatusModifyView as BaseContentStatusModifyView,
)
from plone.dexterity.browser.add import DefaultAddForm
from plone.dexterity.browser.add import DefaultAddView
from plone.dexterity.browser.edit import DefaultEditForm
from plone.dexterity.interfaces import IDexterityEditForm
from plone.z3cform import layout
from Products.Five.browser import BrowserView
from zExceptions import Unauthorized
from zope.interface import classImplements


class ActionPlanView(BrowserView):
    """The action plan; ``?show=overdue`` lists only overdue actions (the
    dashboard's KPI card links there). Another ``show`` answers 400 with the whole
    list: nobody must believe a list is filtered when it is not."""

    SHOW = ("", "overdue")
    bad_filter = False

    def __call__(self):
        show = self.request.form.get("show", "")
        if show not in self.SHOW:
            self.bad_filter = True
            self.request.response.setStatus(400)
        return self.index()

    @property
    def overdue_only(self):
        return not self.bad_filter and self.request.form.get("show") == "overdue"

    def rows(self):
        rows = self.all_rows()
        if self.overdue_only:
            rows = [row for row in rows if row["overdue"]]
        return rows

    def all_rows(self):
        rows = []
        for brain in plan_actions(self.context):
            action = brain.getObject()
            codes = [c.code for c in related_objects(action.criteria)]
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "codes": ", ".join(codes),
                    "responsible": user_name(brain.nr_responsible),
                    "due": localized(action.due_date),
                    "overdue": is_overdue(brain.nr_due_date, brain.review_state),
                    "priority": term_title(
                        "collective.nrlabel.ActionPriorities", action.priority
                    ),
                    "progress": action.progress or 0,
                    "origin": term_title(
                        "collective.nrlabel.ActionOrigins", action.origin
                    ),
                    "state": brain.review_state,
                    "state_title": state_title(action),
                }
            )
        return rows

    def can_add(self):
        return api.user.has_permission(AddAction, obj=self.context)

    def url(self, show=""):
        base = self.context.absolute_url()
        return f"{base}?show={show}" if show else base


class AuditView(BrowserView):
    @cached_property
    def programme(self):
        return programme_of(self.context)

    def facts(self):
        audit = self.context
        return {
            "kind": term_title("collective.nrlabel.AuditKinds", audit.kind),
            "state": api.content.get_state(audit),
            "state_title": state_title(audit),
            "body": audit.audit_body or "",
            "start": localized(audit.window_start),
            "end": localized(audit.window_end),
            "open": window_open(
                api.content.get_state(audit), audit.window_start, audit.window_end
            ),
            "auditors": ", ".join(user_name(a) for a in audit.auditors or ()),
            "score": audit.score_obtained,
            "level": audit.level_obtained,
            "committee": localized(audit.committee_date),
            "granted": localized(audit.granted_date),
            "expiry": localized(label_expiry(audit)),
            "transitions": transitions(audit, step_urls(audit)),
            "outcome": has_outcome_step(audit),
        }

    def findings(self):
        rows = []
        for brain in api.content.find(
            context=self.context,
            portal_type="nr_finding",
            sort_on="getObjPositionInParent",
        ):
            finding = brain.getObject()
            criterion = related_object(finding.criterion)
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "type": term_title(
                        "collective.nrlabel.FindingTypes", finding.finding_type
                    ),
                    "code": criterion.code if criterion else "",
                    "text": finding.text,
                    "actions": [
                        {"title": b.Title, "url": b.getURL()}
                        for b in actions_from(finding)
                    ],
                }
            )
        return rows

    def can_manage(self):
        return api.user.has_permission(ManageAudits, obj=self.context)

    def start_refusal(self):
        """Why the audit cannot start now (another one is in progress), for those
        who would start it: the button is not offered, so say why."""
        from collective.nrlabel.irreversible import refusal

        if api.content.get_state(self.context) != "preparation":
            return None
        if not self.can_manage():
            return None
        return refusal(self.context, "start_audit")

    def can_add_finding(self):
        return api.user.has_permission(AddFinding, obj=self.context)

    def can_renew(self):
        return self.can_manage() and api.content.get_state(self.context) in (
            "labelled",
            "expired",
        )

    def renewal_window(self):
        start, end = default_window(self.context)
        return {
            "start": start.isoformat() if start else "",
            "end": end.isoformat() if end else "",
        }

    def is_renewal(self):
        return self.context.kind == "renewal"

    def renewal_evidence(self):
        on = self.context.window_end or clock.today()
        return {
            "carried_over": len(evidence_carried_over(self.programme, on)),
            "expired": [
                {
                    "title": b.Title,
                    "url": b.getURL(),
                    "until": localized(b.nr_valid_until),
                }
                for b in evidence_expired_for(self.programme, on)
            ],
        }


class StartRenewalView(BrowserView):
    """POST: create the renewal audit from a labelled one."""

    def __call__(self):
        checked_post(self.request)  # ZCML: Manage audits on the audit
        form = self.request.form
        try:
            start = (
                date.fromisoformat(form["window_start"])
                if form.get("window_start")
                else None
            )
            end = (
                date.fromisoformat(form["window_end"])
                if form.get("window_end")
                else None
            )
            renewal = start_renewal(self.context, start, end)
        except (RenewalError, ValueError) as error:
            api.portal.show_message(str(error), request=self.request, type="error")
            return self.request.response.redirect(self.context.absolute_url())
        api.portal.show_message(
            _(
                "message_renewal_started",
                default="Renewal started: confirm each criterion's self-assessment "
                "and renew expired evidence.",
            ),
            request=self.request,
        )
        return self.request.response.redirect(renewal.absolute_url())


class FindingView(BrowserView):
    def facts(self):
        finding = self.context
        criterion = related_object(finding.criterion)
        return {
            "type": term_title("collective.nrlabel.FindingTypes", finding.finding_type),
            # Plain values: a content object in a path expression gets rendered.
            "criterion": criterion
            and {
                "url": criterion.absolute_url(),
                "code": criterion.code,
                "title": criterion.Title(),
            },
            "actions": [
                {"title": b.Title, "url": b.getURL()} for b in actions_from(finding)
            ],
        }

    def can_create_action(self):
        programme = programme_of(self.context)
        return programme is not None and api.user.has_permission(
            AddAction, obj=action_plan(programme)
        )


class CreateActionView(BrowserView):
    """POST on a finding: plan an action from it."""

    def __call__(self):
        checked_post(self.request, AddAction, action_plan(programme_of(self.context)))
        action = create_action_from_finding(self.context)
        api.portal.show_message(
            _("message_action_created", default="Action planned from the finding."),
            request=self.request,
        )
        return self.request.response.redirect(f"{action.absolute_url()}/edit")


class AuditorDownloadsView(BrowserView):
    def rows(self):
        return [
            dict(
                entry,
                user=user_name(entry["user"]),
                url=self._url(entry["path"]),
                when_local=localized_moment(entry["when"], self.context),
            )
            for entry in downloads(self.context)
        ]

    def _url(self, path):
        return (
            api.portal.get().absolute_url()
            + path[len("/".join(api.portal.get().getPhysicalPath())) :]
        )


class SendRemindersView(BrowserView):
    """Manager-only: preview today's reminders and send them (same as the command)."""

    result = None

    def __call__(self):
        if self.request.method == "POST":
            checked_post(self.request)  # ZCML: Manage portal
            expired = expire_labels()
            mails, items = send_reminders()
            self.result = {"mails": mails, "items": items, "expired": expired}
        return self.index()

    def pending(self):
        return collect_reminders()


class PlanActionView(BrowserView):
    """POST on a criterion: plan an action for it (title, due date, priority).

    The values go through the nr_action schema and its behaviours (required fields,
    lengths, vocabularies, constraints, invariants), the rules the add form and the
    REST API apply. Bad input is answered 400 with the criterion page and the
    reason, and nothing is created.
    """

    FIELDS = ("title", "due_date", "priority")

    def __call__(self):
        from collective.nrlabel.action_plan import plan_action

        plan = action_plan(programme_of(self.context))
        checked_post(self.request, AddAction, plan)
        data, errors = action_values(plan, self.request.form, self.FIELDS)
        if errors:
            return self.refuse(errors)
        action = plan_action(self.context, data.pop("title"), **data)
        api.portal.show_message(
            _("message_action_planned", default="Action planned."), request=self.request
        )
        return self.request.response.redirect(action.absolute_url())

    def refuse(self, errors):
        from zope.component import getMultiAdapter

        for error in errors:
            api.portal.show_message(error, request=self.request, type="error")
        self.request.response.setStatus(400)
        return getMultiAdapter((self.context, self.request), name="view")()


def action_values(container, form, names):
    """Read ``names`` from a submitted ``form`` as nr_action values, validated.

    Returns (values, error messages). Every field of the nr_action schemata is
    validated as the add form and the REST API validate it (bound to
    ``container``), then the schemata's invariants.
    """
    from plone.dexterity.utils import iterSchemataForType
    from zope.interface import Invalid
    from zope.schema import getFieldsInOrder
    from zope.schema import ValidationError

    fields = {}
    schemata = list(iterSchemataForType("nr_action"))
    for schema in schemata:
        for name, field in getFieldsInOrder(schema):
            fields.setdefault(name, field.bind(container))
    values, errors = {}, []
    for name in names:
        field = fields[name]
        try:
            value = form_value(field, form.get(name))
            field.validate(value)
        except ValidationError as error:
            errors.append(field_error(field, form.get(name), error))
            continue
        if value is not None or name in form:
            values[name] = value
    if not errors:
        data = _Data(fields, values)
        for schema in schemata:
            try:
                schema.validateInvariants(data)
            except Invalid as error:
                errors.append(error.args[0] if error.args else str(error))
    return values, errors


class _Data:
    """Attributes for invariants: the submitted values, else the fields' defaults."""

    def __init__(self, fields, values):
        self._fields = fields
        self._values = values

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._values:
            return self._values[name]
        field = self._fields.get(name)
        if field is None:
            raise AttributeError(name)
        return field.default


class NotADate(Exception):
    pass


def form_value(field, raw):
    """A submitted string as the field's value; empty is the field's missing value."""
    from zope.schema import ValidationError
    from zope.schema.interfaces import IDate

    if not isinstance(raw, str | None):
        return raw  # a list or a record: the field refuses it (WrongType)
    raw = (raw or "").strip()
    if raw == "":
        # Not given: the field's default if it has one, else missing.
        return field.default if field.default is not None else field.missing_value
    if IDate.providedBy(field):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(NotADate(raw)) from None
    return raw


def field_error(field, raw, error):
    """A message saying what is wrong with one field, in the user's language."""
    from zope.schema.interfaces import RequiredMissing
    from zope.schema.interfaces import TooLong

    label = api.portal.translate(field.title) if field.title else field.__name__
    if isinstance(error, RequiredMissing) and field.__name__ == "title":
        return _("error_action_title", default="Give the action a title.")
    if isinstance(error, RequiredMissing):
        return _(
            "error_field_required",
            default="${field}: this field is required.",
            mapping={"field": label},
        )
    if isinstance(error, TooLong):
        return _(
            "error_field_too_long",
            default="${field}: at most ${max} characters (${length} given).",
            mapping={
                "field": label,
                "max": field.max_length,
                "length": len(error.args[0]) if error.args else "?",
            },
        )
    if error.args and isinstance(error.args[0], NotADate):
        return _(
            "error_field_not_a_date",
            default='${field}: "${value}" is not a date (expected YYYY-MM-DD).',
            mapping={"field": label, "value": shorten(raw)},
        )
    return _(
        "error_field_invalid",
        default='${field}: "${value}" is not an accepted value.',
        mapping={"field": label, "value": shorten(raw)},
    )


def shorten(value, size=40):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= size else text[: size - 1] + "…"


# -- irreversible steps: confirmed first (irreversible.py) --------------------------


def confirm_url(url, transition_id):
    """The add-on's confirmation page of an irreversible step."""
    return f"{url}/@@nr-confirm-transition?transition={transition_id}"


def step_urls(obj):
    """``url_of`` for display.transitions: irreversible steps go through their
    confirmation page, the others stay one click (Plone's status form)."""
    from collective.nrlabel.irreversible import is_irreversible

    def url_of(url, transition_id):
        if is_irreversible(obj, transition_id):
            return confirm_url(url, transition_id)
        return status_form_url(url, transition_id)

    return url_of


class CycleStatusModifyView(BaseContentStatusModifyView):
    """Plone's status form (the state menu) on audits and actions.

    An irreversible step never runs from here, whatever the method: it goes to
    its confirmation page (the state menu's links are plain GETs carrying the
    CSRF token, which a prefetch or a stray click would follow). Other steps keep
    Plone's one click.
    """

    def __call__(self, workflow_action=None, comment="", **kwargs):
        from collective.nrlabel.irreversible import is_irreversible

        if isinstance(workflow_action, str) and is_irreversible(
            self.context, workflow_action
        ):
            return self.request.response.redirect(
                confirm_url(self.context.absolute_url(), workflow_action)
            )
        return super().__call__(workflow_action, comment, **kwargs)


class ConfirmTransitionView(BrowserView):
    """``@@nr-confirm-transition?transition=<id>`` on an audit or an action.

    GET says what the step will do in plain words, with a Confirm button (a POST
    carrying the CSRF token) and a Cancel link; the POST takes the step. A step
    the rules refuse now (another audit in progress) is said, with no button.
    Unknown steps answer 400, steps the current state does not offer 409, and
    people the step's guard does not name are refused (Unauthorized).
    """

    transition_id = None
    transition = None
    problem = None  # why the step cannot be taken now

    def __call__(self):
        from collective.nrlabel.irreversible import may_take
        from collective.nrlabel.irreversible import possible_from_state
        from collective.nrlabel.irreversible import refusal
        from collective.nrlabel.irreversible import workflow_transition

        if self.request.method == "POST":
            checked_post(self.request)
        transition_id = self.request.form.get("transition")
        found = isinstance(transition_id, str) and workflow_transition(
            self.context, transition_id
        )
        if not found:
            return self.stop(
                400, _("error_unknown_step", default="This step does not exist.")
            )
        self.transition_id, self.transition = transition_id, found[1]
        # The state first: once a step is taken its guard may no longer name the
        # person who took it, and a second click deserves "already done", not
        # a log-in page.
        if not possible_from_state(self.context, transition_id):
            return self.stop(409, self.not_now())
        if not may_take(self.context, transition_id):
            raise Unauthorized(transition_id)
        self.problem = refusal(self.context, transition_id)
        if self.problem is not None:
            return self.stop(409, self.problem)
        if self.request.method == "POST":
            return self.take()
        return self.index()

    def stop(self, status, message):
        self.problem = message
        self.request.response.setStatus(status)
        return self.index()

    def not_now(self):
        return _(
            "error_step_not_now",
            default="This step is not possible now: “${title}” is in state “${state}”.",
            mapping={
                "title": self.context.Title(),
                "state": state_title(self.context),
            },
        )

    def take(self):
        """The workflow checks its guard again (a race, a direct call)."""
        from collective.nrlabel.irreversible import done_message
        from Products.CMFCore.WorkflowCore import WorkflowException

        try:
            api.portal.get_tool("portal_workflow").doActionFor(
                self.context, self.transition_id
            )
        except WorkflowException:
            import transaction

            transaction.doom()
            return self.stop(409, self.not_now())
        message = done_message(self.context, self.transition_id) or _(
            "message_step_done", default="Done."
        )
        api.portal.show_message(message, request=self.request)
        return self.request.response.redirect(self.context.absolute_url())

    def heading(self):
        if self.transition is None:
            return _("heading_confirm_step", default="Confirm a step")
        return workflow_title(self.transition.title)

    def consequences(self):
        """What will happen (the transition's description for other steps)."""
        from collective.nrlabel.irreversible import consequences

        if self.transition is None:
            return []
        found = consequences(self.context, self.transition_id, localized)
        return found or [workflow_title(self.transition.description)]

    def irreversible(self):
        from collective.nrlabel.irreversible import is_irreversible

        return bool(self.transition_id) and is_irreversible(
            self.context, self.transition_id
        )


# -- audit forms: planning first, the outcome at the committee step ---------------


class AuditAddForm(DefaultAddForm):
    """Planning an audit asks for planning fields only (kind, body, window,
    auditors): there is no score, level or decision to record yet."""

    portal_type = "nr_audit"

    def updateFields(self):
        super().updateFields()
        self.fields = self.fields.omit(*OUTCOME_FIELDS)


class AuditAddView(DefaultAddView):
    """``++add++nr_audit`` (registered in ZCML as Dexterity's add view is)."""

    form = AuditAddForm


class AuditEditForm(DefaultEditForm):
    """The outcome fields appear once the audit reached the committee step; before
    that, they are left out (and whatever they hold is kept)."""

    def updateFields(self):
        super().updateFields()
        if not has_outcome_step(self.context):
            self.fields = self.fields.omit(*OUTCOME_FIELDS)


AuditEditView = layout.wrap_form(AuditEditForm)
classImplements(AuditEditView, IDexterityEditForm)


# -- an action's page -----------------------------------------------------------


class ActionView(BrowserView):
    """An action: its owner by name, its due date in full, the criteria it
    improves, and its steps (giving it up is confirmed first)."""

    def facts(self):
        action = self.context
        state = api.content.get_state(action)
        due_iso = action.due_date.isoformat() if action.due_date else None
        return {
            "owner": user_name(action.responsible),
            "due": localized(action.due_date),
            "overdue": is_overdue(due_iso, state),
            "priority": term_title(
                "collective.nrlabel.ActionPriorities", action.priority
            ),
            "progress": action.progress or 0,
            "origin": term_title("collective.nrlabel.ActionOrigins", action.origin),
            "state_title": state_title(action),
            "transitions": transitions(action, step_urls(action)),
        }

    def criteria(self):
        """The criteria it improves that the current user may see."""
        from collective.nrlabel.permissions import View

        return [
            {"code": c.code, "title": c.Title(), "url": c.absolute_url()}
            for c in related_objects(self.context.criteria)
            if api.user.has_permission(View, obj=c)
        ]

    def finding(self):
        """The audit finding it answers, if the current user may see it."""
        uid = self.context.finding_uid
        brains = api.content.find(UID=uid) if uid else []
        return {"title": brains[0].Title, "url": brains[0].getURL()} if brains else None
