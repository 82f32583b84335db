"""The shape of a referential and the rules every valid one obeys."""

from dataclasses import dataclass
from dataclasses import field

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


class ReferentialError(ValueError):
    """A referential file or structure that cannot be used; nothing was imported.

    ``problems`` lists every problem found, each naming the row or code it is about.
    """

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Node:
    """A theme, principle or criterion, as read from a file."""

    code: str
    level: str
    parent_code: str | None
    title: dict
    guidance: dict = field(default_factory=dict)
    # Where the node was read ("row 12", "theme 2 › principle 1"), for messages.
    where: str = ""

    def text(self, attribute, language):
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
    title: dict
    nodes: tuple
    description: dict = field(default_factory=dict)
    publisher: str = ""
    source: str = ""

    def text(self, attribute, language):
        values = getattr(self, attribute)
        return values.get(language) or next((v for v in values.values() if v), "")

    def count(self, level):
        return sum(1 for node in self.nodes if node.level == level)

    def children(self, code):
        return [node for node in self.nodes if node.parent_code == code]

    def as_dict(self):
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
    def from_dict(cls, data):
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


def _label(node):
    if node.where and node.code:
        return f"{node.where} (code {node.code})"
    return node.where or f"code {node.code}"


def validate(referential):
    """Return ``referential`` if it is usable, else raise ``ReferentialError``.

    Every problem is reported at once, each naming its row or code, so that a
    person fixing a spreadsheet does not have to import it once per mistake.
    """
    problems = []
    if not referential.id or not ID_PATTERN.match(referential.id):
        problems.append(
            f"The referential id {referential.id!r} must be lower-case letters, "
            "digits, '.', '-' or '_'."
        )
    if not referential.version:
        problems.append("The referential has no version.")
    if not any(referential.title.values()):
        problems.append("The referential has no title.")
    if not referential.nodes:
        problems.append("The file contains no theme, principle or criterion.")
        raise ReferentialError(problems)

    seen = {}
    for node in referential.nodes:
        label = _label(node)
        if not node.code:
            problems.append(f"{label}: the code is missing.")
        elif len(node.code) > MAX_CODE_LENGTH or not CODE_PATTERN.match(node.code):
            problems.append(
                f"{label}: the code may only hold letters, digits, '.', '-' and '_' "
                f"(at most {MAX_CODE_LENGTH} characters)."
            )
        elif node.code in seen:
            problems.append(
                f"{label}: the code {node.code} is used twice "
                f"(first at {seen[node.code].where or 'an earlier item'})."
            )
        else:
            seen[node.code] = node
        if node.level not in LEVELS:
            problems.append(
                f"{label}: unknown level {node.level!r}; "
                f"expected one of {', '.join(LEVELS)}."
            )
        if not any((v or "").strip() for v in node.title.values()):
            problems.append(f"{label}: the title is missing.")

    for node in referential.nodes:
        if node.level not in LEVELS:
            continue
        label = _label(node)
        parent = seen.get(node.parent_code) if node.parent_code else None
        if node.parent_code and parent is None:
            problems.append(
                f"{label}: its parent code {node.parent_code} is not in the file."
            )
            continue
        parent_level = parent.level if parent else None
        if parent_level not in ALLOWED_PARENTS[node.level]:
            if parent is None:
                problems.append(f"{label}: a {node.level} needs a parent code.")
            else:
                problems.append(
                    f"{label}: a {node.level} cannot be placed in a {parent_level} "
                    f"({parent.code})."
                )

    if not problems and not referential.count(CRITERION):
        problems.append("The file contains no criterion.")
    if problems:
        raise ReferentialError(problems)
    return referential
