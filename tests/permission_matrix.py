"""Who may do what to evidence in each state: the expected outcomes.

The same table is published in docs/permissions.md (a test keeps both equal).
"""

ROLES = (
    "Anonymous",
    "NR Reader",
    "NR Contributor",
    "NR Editor",
    "NR Reviewer",
    "NR Lead",
    "NR Auditor",
    "Manager",
)
STATES = ("draft", "pending", "approved", "rejected")
ACTIONS = (
    "view",
    "modify",
    "delete",
    "submit",
    "approve",
    "reject",
    "revise",
    "reopen",
)
TRANSITIONS_FROM = {
    "draft": ("submit",),
    "pending": ("approve", "reject"),
    "approved": ("reopen",),
    "rejected": ("revise",),
}

_AUTHORS = {"NR Contributor", "NR Editor", "NR Lead", "Manager"}
_WRITERS = {"NR Editor", "NR Lead", "Manager"}
_VIEW = {
    "draft": _AUTHORS,
    "pending": _AUTHORS | {"NR Reviewer"},
    "approved": set(ROLES) - {"Anonymous"},
    "rejected": _AUTHORS | {"NR Reviewer"},
}
_CHANGE = {
    "draft": _WRITERS,
    "pending": {"Manager"},
    "approved": {"Manager"},
    "rejected": _WRITERS,
}
_TRANSITION = {
    "submit": _WRITERS,
    "approve": {"NR Reviewer", "NR Lead", "Manager"},
    "reject": {"NR Reviewer", "NR Lead", "Manager"},
    "revise": _WRITERS,
    "reopen": {"NR Lead", "Manager"},
}


def expected(role, state, action):
    """True (allowed), False (refused) or None (no such transition from ``state``).

    The evidence is created and submitted by another user: segregation of duties
    is tested on its own.
    """
    if action == "view":
        return role in _VIEW[state]
    if action in ("modify", "delete"):
        return role in _CHANGE[state]
    if action not in TRANSITIONS_FROM[state]:
        return None
    return role in _TRANSITION[action]


def markdown_tables():
    """The matrix as Markdown: one table per state."""
    symbols = {True: "yes", False: "—", None: "n/a"}
    out = []
    for state in STATES:
        actions = ("view", "modify", "delete") + TRANSITIONS_FROM[state]
        out.append(f"### Evidence in state `{state}`\n")
        out.append("| role | " + " | ".join(actions) + " |")
        out.append("|---|" + "---|" * len(actions))
        for role in ROLES:
            cells = [symbols[expected(role, state, action)] for action in actions]
            out.append(f"| {role} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)
