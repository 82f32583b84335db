"""The shape of a referential and the rules every valid one obeys.

Readers of every file format build these objects and then call ``validate``, so
that a YAML file and a spreadsheet are held to the same rules, and the messages
name the row or code at fault whatever the format.
"""

from __future__ import annotations

from collections.abc import Iterable
from collective.nrlabel import _
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from zope.i18n import interpolate
from zope.i18n import translate
from zope.i18nmessageid import Message

import re


THEME = "theme"
PRINCIPLE = "principle"
CRITERION = "criterion"
LEVELS = (THEME, PRINCIPLE, CRITERION)

# Which level may hold which: a two-level referential (RGESN: families and criteria)
# puts its criteria straight into themes.
ALLOWED_PARENTS = {
    THEME: (None,),
    PRINCIPLE: (THEME,),
    CRITERION: (THEME, PRINCIPLE),
}

LANGUAGES = ("fr", "en")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_CODE_LENGTH = 40
# A file with thousands of mistakes would make a page nobody reads (and megabytes
# of HTML): the first ones are listed, then how many more there are.
MAX_LISTED_PROBLEMS = 100

# Level names as messages, for problems that name a level.
LEVEL_TITLES = {
    THEME: _("import_level_theme", default="theme"),
    PRINCIPLE: _("import_level_principle", default="principle"),
    CRITERION: _("import_level_criterion", default="criterion"),
}


def level_title(level: str) -> str:
    return LEVEL_TITLES.get(level, level)


def english(message: str) -> str:
    """``message`` in English, its nested messages too, without any translation
    machinery (readers and tests run without a site)."""
    if not isinstance(message, Message):
        return message
    mapping = {key: english(value) for key, value in (message.mapping or {}).items()}
    return interpolate(message.default or str(message), mapping)


class ReferentialError(ValueError):
    """A referential file or structure that cannot be used; nothing was imported.

    ``messages`` lists the problems found as i18n messages, each naming the row or
    code it is about, translated where they are shown; only the first
    ``MAX_LISTED_PROBLEMS`` are kept, then a line saying how many more there are.
    ``count`` is the number of problems found, ``problems`` the listed ones in
    English (for logs and tests).
    """

    def __init__(self, problems: str | Iterable[str]) -> None:
        if isinstance(problems, str):
            problems = [problems]
        problems = list(problems)
        self.count = len(problems)
        self.messages = problems[:MAX_LISTED_PROBLEMS]
        if self.count > MAX_LISTED_PROBLEMS:
            self.messages.append(
                _(
                    "import_more_problems",
                    default="... and ${count} more problems.",
                    mapping={"count": self.count - MAX_LISTED_PROBLEMS},
                )
            )
        self.problems = [english(message) for message in self.messages]
        super().__init__("\n".join(self.problems))

    def translated(self, context: Any = None, language: str | None = None) -> list[str]:
        """The listed problems in the language of ``context`` (a request) or in
        ``language``."""
        return [
            translate(message, context=context, target_language=language)
            for message in self.messages
        ]


@dataclass(frozen=True)
class Node:
    """A theme, principle or criterion, as read from a file."""

    code: str
    level: str
    parent_code: str | None
    title: dict[str, str]
    guidance: dict[str, str] = field(default_factory=dict)
    # Where the node was read ("row 12", "theme 2 › principle 1"), for messages.
    where: str = ""

    def text(self, attribute: str, language: str) -> str:
        """The title or guidance in ``language``, else in the first language it has."""
        values = getattr(self, attribute)
        if values.get(language):
            return values[language]
        for lang in LANGUAGES:
            if values.get(lang):
                return values[lang]
        return next((v for v in values.values() if v), "")


@dataclass(frozen=True)
class Referential:
    """A whole referential: metadata and its nodes in reading order."""

    id: str
    version: str
    title: dict[str, str]
    nodes: tuple[Node, ...]
    description: dict[str, str] = field(default_factory=dict)
    publisher: str = ""
    source: str = ""

    def text(self, attribute: str, language: str) -> str:
        """The title or description in ``language``, else its first non-empty one."""
        values = getattr(self, attribute)
        return values.get(language) or next((v for v in values.values() if v), "")

    def count(self, level: str) -> int:
        """How many themes, principles or criteria (``level``) it holds."""
        return sum(1 for node in self.nodes if node.level == level)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, the one the registry stores and ``from_dict`` reads."""
        return {
            "id": self.id,
            "version": self.version,
            "title": dict(self.title),
            "description": dict(self.description),
            "publisher": self.publisher,
            "source": self.source,
            "nodes": [
                {
                    "code": n.code,
                    "level": n.level,
                    "parent_code": n.parent_code,
                    "title": dict(n.title),
                    "guidance": dict(n.guidance),
                }
                for n in self.nodes
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Referential:
        """The referential ``as_dict`` gave (it was validated before it was stored)."""
        return cls(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            description=data.get("description", {}),
            publisher=data.get("publisher", ""),
            source=data.get("source", ""),
            nodes=tuple(
                Node(
                    code=n["code"],
                    level=n["level"],
                    parent_code=n["parent_code"],
                    title=n["title"],
                    guidance=n.get("guidance", {}),
                )
                for n in data["nodes"]
            ),
        )


def _label(node: Node) -> str:
    if node.where and node.code:
        return _(
            "import_where_code",
            default="${where} (code ${code})",
            mapping={"where": node.where, "code": node.code},
        )
    return node.where or _(
        "import_code", default="code ${code}", mapping={"code": node.code}
    )


def validate(referential: Referential) -> Referential:
    """Return ``referential`` if it is usable, else raise ``ReferentialError``.

    Every problem is reported at once, each naming its row or code, so that a
    person fixing a spreadsheet does not have to import it once per mistake.
    """
    problems = _metadata_problems(referential)
    if not referential.nodes:
        problems.append(
            _(
                "import_error_no_items",
                default="The file contains no theme, principle or criterion.",
            )
        )
        raise ReferentialError(problems)
    # Codes are checked in reading order first (the first use of a code is the
    # one kept), then each placement against the codes the whole file defines.
    seen = {}
    for node in referential.nodes:
        problems += _node_problems(node, seen)
    for node in referential.nodes:
        problem = _placement_problem(node, seen)
        if problem is not None:
            problems.append(problem)
    if not problems and not referential.count(CRITERION):
        problems.append(
            _("import_error_no_criterion", default="The file contains no criterion.")
        )
    if problems:
        raise ReferentialError(problems)
    return referential


def _metadata_problems(referential: Referential) -> list[str]:
    """What is wrong with the referential's id, version and title."""
    problems = []
    if not referential.id or not ID_PATTERN.match(referential.id):
        problems.append(
            _(
                "import_error_bad_id",
                default="The referential id '${id}' must be lower-case letters, "
                "digits, '.', '-' or '_'.",
                mapping={"id": referential.id},
            )
        )
    if not referential.version:
        problems.append(
            _("import_error_no_version", default="The referential has no version.")
        )
    if not any(referential.title.values()):
        problems.append(
            _("import_error_no_title", default="The referential has no title.")
        )
    return problems


def _node_problems(node: Node, seen: dict[str, Node]) -> list[str]:
    """What is wrong with ``node`` on its own: code, level, title.

    A node with a new, well-formed code is added to ``seen`` (code → node).
    """
    label = _label(node)
    problems = []
    code_problem = _code_problem(node, label, seen)
    if code_problem is None:
        seen[node.code] = node
    else:
        problems.append(code_problem)
    if node.level not in LEVELS:
        problems.append(
            _(
                "import_error_unknown_level",
                default="${label}: unknown level '${level}'; expected one of "
                "${levels}.",
                mapping={
                    "label": label,
                    "level": node.level,
                    "levels": ", ".join(LEVELS),
                },
            )
        )
    if not any((v or "").strip() for v in node.title.values()):
        problems.append(
            _(
                "import_error_no_item_title",
                default="${label}: the title is missing.",
                mapping={"label": label},
            )
        )
    return problems


def _code_problem(node: Node, label: str, seen: dict[str, Node]) -> str | None:
    """Why ``node``'s code cannot be used (missing, malformed, taken), or None."""
    if not node.code:
        return _(
            "import_error_no_code",
            default="${label}: the code is missing.",
            mapping={"label": label},
        )
    if len(node.code) > MAX_CODE_LENGTH or not CODE_PATTERN.match(node.code):
        return _(
            "import_error_bad_code",
            default="${label}: the code may only hold letters, digits, '.', "
            "'-' and '_' (at most ${length} characters).",
            mapping={"label": label, "length": MAX_CODE_LENGTH},
        )
    if node.code in seen:
        return _(
            "import_error_duplicate_code",
            default="${label}: the code ${code} is used twice (first at ${first}).",
            mapping={
                "label": label,
                "code": node.code,
                "first": seen[node.code].where
                or _("import_earlier_item", default="an earlier item"),
            },
        )
    return None


def _placement_problem(node: Node, seen: dict[str, Node]) -> str | None:
    """Why ``node`` cannot sit under its parent (unknown, missing or of a level
    that cannot hold it), or None. Nodes of an unknown level were reported already.
    """
    if node.level not in LEVELS:
        return None
    label = _label(node)
    parent = seen.get(node.parent_code) if node.parent_code else None
    if node.parent_code and parent is None:
        return _(
            "import_error_unknown_parent",
            default="${label}: its parent code ${parent} is not in the file.",
            mapping={"label": label, "parent": node.parent_code},
        )
    parent_level = parent.level if parent else None
    if parent_level in ALLOWED_PARENTS[node.level]:
        return None
    if parent is None:
        return _(
            "import_error_needs_parent",
            default="${label}: a ${level} needs a parent code.",
            mapping={"label": label, "level": level_title(node.level)},
        )
    return _(
        "import_error_wrong_parent",
        default="${label}: a ${level} cannot be placed in a "
        "${parent_level} (${parent}).",
        mapping={
            "label": label,
            "level": level_title(node.level),
            "parent_level": level_title(parent_level),
            "parent": parent.code,
        },
    )
