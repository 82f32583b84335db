"""Read referential files: the canonical YAML/JSON format and flat CSV/XLSX sheets.

Every reader returns a validated ``Referential`` or raises ``ReferentialError`` with
messages that name the row or code at fault. Readers never touch the site.

Files come from people and may be hostile: the size, the number of rows or items
and the nesting depth are checked against ``Limits`` before or while reading, and
YAML anchors and aliases (the "billion laughs" bomb) are refused, so that a small
file cannot take the server's memory or time.
"""

from __future__ import annotations

from collective.nrlabel import _
from collective.nrlabel.referential.model import CRITERION
from collective.nrlabel.referential.model import LANGUAGES
from collective.nrlabel.referential.model import level_title
from collective.nrlabel.referential.model import Node
from collective.nrlabel.referential.model import PRINCIPLE
from collective.nrlabel.referential.model import Referential
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.model import THEME
from collective.nrlabel.referential.model import validate
from collective.nrlabel.settings import get_setting
from collective.nrlabel.settings import INRLabelSettings
from dataclasses import dataclass
from pathlib import PurePosixPath
from zope.i18nmessageid import Message

import csv
import io
import json
import re
import yaml
import zipfile


CANONICAL_FORMAT = "collective.nrlabel.referential/1"
EXTENSIONS = (".yaml", ".yml", ".json", ".csv", ".xlsx")

LEVEL_ALIASES = {
    "theme": THEME,
    "thème": THEME,
    "thematique": THEME,
    "thématique": THEME,
    "family": THEME,
    "famille": THEME,
    "principle": PRINCIPLE,
    "principe": PRINCIPLE,
    "criterion": CRITERION,
    "critère": CRITERION,
    "critere": CRITERION,
}

COLUMN_ALIASES = {
    "code": "code",
    "parent_code": "parent_code",
    "parent code": "parent_code",
    "parent": "parent_code",
    "code parent": "parent_code",
    "level": "level",
    "niveau": "level",
    "title": "title",
    "titre": "title",
    "guidance": "guidance",
}
for _lang in LANGUAGES:
    COLUMN_ALIASES[f"title_{_lang}"] = f"title_{_lang}"
    COLUMN_ALIASES[f"titre_{_lang}"] = f"title_{_lang}"
    COLUMN_ALIASES[f"guidance_{_lang}"] = f"guidance_{_lang}"


def _default(name):
    return INRLabelSettings[name].default


@dataclass(frozen=True)
class Limits:
    """How large a referential file may be. The values live in the Label NR
    settings (``import_max_mb``, ``import_max_rows``, ``import_max_depth``); the
    defaults here are the settings' defaults, for reading without a site."""

    max_mb: int = _default("import_max_mb")
    max_rows: int = _default("import_max_rows")
    max_depth: int = _default("import_max_depth")

    @classmethod
    def from_settings(cls) -> Limits:
        """The limits set in the site's Label NR settings."""
        return cls(
            max_mb=get_setting("import_max_mb"),
            max_rows=get_setting("import_max_rows"),
            max_depth=get_setting("import_max_depth"),
        )


# Limits of the Label NR settings a file went over; ``_over_limit`` adds the limit.
TOO_MANY_ROWS = _(
    "import_error_too_many_rows",
    default="The file has more than ${limit} rows; the limit is ${limit} "
    "(Label NR settings).",
)
TOO_MANY_ITEMS = _(
    "import_error_too_many_items",
    default="The file has more than ${limit} items (themes, principles and "
    "criteria); the limit is ${limit} (Label NR settings).",
)
TOO_DEEP = _(
    "import_error_too_deep",
    default="The file is nested more than ${limit} levels deep; the limit "
    "is ${limit} (Label NR settings).",
)


def _over_limit(message: Message, limit: int) -> ReferentialError:
    return ReferentialError(Message(message, mapping={"limit": limit}))


def _check_size(data, max_mb):
    if len(data) > max_mb * 1024 * 1024:
        raise ReferentialError(
            _(
                "import_error_too_large",
                default="The file is ${size} MB; the limit is ${limit} MB "
                "(Label NR settings).",
                mapping={"size": f"{len(data) / 1024 / 1024:.1f}", "limit": max_mb},
            )
        )


def read_referential(
    data: bytes,
    filename: str,
    id: str | None = None,
    version: str | None = None,
    title: str | None = None,
    language: str = "fr",
    limits: Limits | None = None,
) -> Referential:
    """Read ``data`` (bytes) according to ``filename``'s extension.

    ``id``, ``version`` and ``title`` override or supply the referential's metadata
    (a flat sheet has no room for them). ``language`` is the language of texts that
    are not marked with one (a plain ``title`` column, a plain string in YAML).
    ``limits`` (default: the settings' defaults) bounds the file's size, rows or
    items and nesting depth.
    """
    limits = limits or Limits()
    suffix = PurePosixPath(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise ReferentialError(
            _(
                "import_error_file_type",
                default="Unsupported file type '${suffix}': use one of ${extensions}.",
                mapping={
                    "suffix": suffix or "-",
                    "extensions": ", ".join(EXTENSIONS),
                },
            )
        )
    if not data or not data.strip():
        raise ReferentialError(_("import_error_empty", default="The file is empty."))
    _check_size(data, limits.max_mb)
    stem = PurePosixPath(filename).stem
    referential = _read(data, suffix, stem, language, limits)
    overrides = {}
    if id:
        overrides["id"] = id
    if version:
        overrides["version"] = str(version)
    if title:
        overrides["title"] = {language: title}
    if overrides:
        referential = Referential(**{**referential.__dict__, **overrides})
    return validate(referential)


def _read(data, suffix, stem, language, limits):
    """The referential in ``data``, not validated yet, read as ``suffix`` says."""
    try:
        if suffix == ".xlsx":
            return _from_rows(_xlsx_rows(data, limits.max_rows), stem, language)
        text = _decode(data)
        if suffix == ".csv":
            return _from_rows(_csv_rows(text, limits.max_rows), stem, language)
        if suffix == ".json":
            loaded = _load_json(text, limits.max_depth)
        else:
            loaded = _load_yaml(text, limits.max_depth)
        return _from_canonical(loaded, stem, language, limits)
    except RecursionError:
        # The depth checks should make this impossible; never answer a crash.
        raise _over_limit(TOO_DEEP, limits.max_depth) from None


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReferentialError(
            _(
                "import_error_encoding",
                default="The file is not encoded in UTF-8 (byte 0x${byte} at "
                "position ${position} cannot be read). Save it as UTF-8 and import "
                "it again.",
                mapping={
                    "byte": f"{data[error.start]:02x}",
                    "position": error.start,
                },
            )
        ) from None


# A JSON string (escapes included) or a bracket: brackets inside strings do not nest.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_depth_exceeds(text, max_depth):
    """Whether ``text`` nests lists and objects deeper than ``max_depth``.

    Measured on the text, without recursion, before ``json.loads`` (which recurses
    once per level and would crash on a few hundred levels).
    """
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "[" or token == "{":
            depth += 1
            if depth > max_depth:
                return True
        elif token == "]" or token == "}":
            depth -= 1
    return False


def _load_json(text, max_depth):
    if _json_depth_exceeds(text, max_depth):
        raise _over_limit(TOO_DEEP, max_depth)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReferentialError(
            _(
                "import_error_json",
                default="The JSON is malformed at line ${line}, column ${column}: "
                "${problem}.",
                mapping={
                    "line": error.lineno,
                    "column": error.colno,
                    "problem": error.msg,
                },
            )
        ) from None


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses anchors and aliases, and nesting deeper than
    ``max_depth``.

    Aliases let a one-kilobyte file stand for billions of items ("billion laughs");
    a referential never needs them. The depth is counted while composing, before
    the composer's recursion could exhaust the stack.
    """

    def __init__(self, stream, max_depth):
        super().__init__(stream)
        self.max_depth = max_depth
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ReferentialError(
                _(
                    "import_error_yaml_alias",
                    default="The YAML uses an anchor or an alias (& or *) at line "
                    "${line}, column ${column}: they are not accepted in a "
                    "referential file; write each item out in full.",
                    mapping={
                        "line": event.start_mark.line + 1,
                        "column": event.start_mark.column + 1,
                    },
                )
            )
        if not isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > self.max_depth:
            raise _over_limit(TOO_DEEP, self.max_depth)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _load_yaml(text, max_depth):
    loader = _StrictLoader(text, max_depth)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark is None:
            raise ReferentialError(
                _(
                    "import_error_yaml",
                    default="The YAML is malformed: ${problem}.",
                    mapping={"problem": problem},
                )
            ) from None
        raise ReferentialError(
            _(
                "import_error_yaml_at",
                default="The YAML is malformed at line ${line}, column ${column}: "
                "${problem}.",
                mapping={
                    "line": mark.line + 1,
                    "column": mark.column + 1,
                    "problem": problem,
                },
            )
        ) from None
    finally:
        loader.dispose()


def _slug(text):
    return (
        re.sub(r"[^a-z0-9._-]+", "-", (text or "").lower()).strip("-._")
        or "referential"
    )


def _texts(value, language, where, name, problems):
    """A {language: text} mapping from a plain string or a mapping."""
    if value is None:
        return {}
    if isinstance(value, (str, int, float)):
        return {language: str(value).strip()}
    if isinstance(value, dict):
        texts = {}
        for lang, text in value.items():
            if text is None:
                continue
            if not isinstance(text, (str, int, float)):
                problems.append(
                    _(
                        "import_error_text_in_language",
                        default="${where}: the ${name} in '${language}' must be text.",
                        mapping={"where": where, "name": name, "language": lang},
                    )
                )
                continue
            texts[str(lang)] = str(text).strip()
        return texts
    problems.append(
        _(
            "import_error_text",
            default="${where}: the ${name} must be text or a mapping of languages.",
            mapping={"where": where, "name": name},
        )
    )
    return {}


def _code(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _where(trail, level, position):
    """Where an item sits in a YAML/JSON file: "theme 2 › principle 1"."""
    mapping = {"trail": trail, "level": level_title(level), "position": position}
    if trail:
        return _(
            "import_where_nested",
            default="${trail} › ${level} ${position}",
            mapping=mapping,
        )
    return _("import_where_item", default="${level} ${position}", mapping=mapping)


def _from_canonical(data, stem, language, limits):
    """A referential from the canonical format's nested mapping (YAML or JSON)."""
    _check_canonical(data)
    language = data.get("language") or language
    walk = _CanonicalWalk(language, limits.max_rows)
    walk.items(_themes(data), THEME, None, "", "themes")
    if walk.problems:
        raise ReferentialError(walk.problems)
    where = _("import_the_referential", default="The referential")
    return Referential(
        id=str(data.get("id") or _slug(stem)),
        version=str(data.get("version") or ""),
        title=_texts(data.get("title"), language, where, "title", []) or {},
        description=_texts(data.get("description"), language, where, "description", []),
        publisher=str(data.get("publisher") or ""),
        source=str(data.get("source") or ""),
        nodes=tuple(walk.nodes),
    )


def _check_canonical(data):
    """Refuse what is not a mapping in the canonical format (this version's)."""
    if not isinstance(data, dict):
        raise ReferentialError(
            _(
                "import_error_not_canonical",
                default="The file is not in the referential format: expected a "
                "mapping with 'id', 'version', 'title' and 'themes' (see "
                "docs/referential-format.md).",
            )
        )
    declared = data.get("format")
    if declared and declared != CANONICAL_FORMAT:
        raise ReferentialError(
            _(
                "import_error_format",
                default="Unknown format '${declared}'; this version reads '${format}'.",
                mapping={"declared": declared, "format": CANONICAL_FORMAT},
            )
        )


def _themes(data):
    themes = data.get("themes")
    if themes is None:
        return []
    if not isinstance(themes, list):
        raise ReferentialError(
            _("import_error_themes_list", default="'themes' must be a list.")
        )
    return themes


class _CanonicalWalk:
    """The nodes of nested themes, principles and criteria, in reading order.

    Problems are collected (``problems``) so that all are reported at once; only
    going over the number of items stops the walk, before a huge file is read.
    """

    def __init__(self, language, max_items):
        self.language = language
        self.max_items = max_items
        self.nodes = []
        self.problems = []
        self.seen = 0

    def items(self, items, level, parent, trail, key):
        """Read ``items`` (the list under ``key``) as nodes of ``level``."""
        if items is None:
            return
        if not isinstance(items, list):
            self.problems.append(
                _(
                    "import_error_not_a_list",
                    default="${where}: '${key}' must be a list.",
                    mapping={
                        "where": trail or _("import_the_file", default="The file"),
                        "key": key,
                    },
                )
            )
            return
        for position, item in enumerate(items, start=1):
            self.seen += 1
            if self.seen > self.max_items:
                raise _over_limit(TOO_MANY_ITEMS, self.max_items)
            self.item(item, level, parent, _where(trail, level, position))

    def item(self, item, level, parent, where):
        """Read one item, then the items it holds."""
        if not isinstance(item, dict):
            self.problems.append(
                _(
                    "import_error_not_a_mapping",
                    default="${where}: expected a mapping with 'code' and 'title'.",
                    mapping={"where": where},
                )
            )
            return
        code = _code(item.get("code"))
        self.nodes.append(
            Node(
                code=code,
                level=level,
                parent_code=parent,
                title=self.texts(item, "title", where),
                guidance=self.texts(item, "guidance", where),
                where=where,
            )
        )
        if level == THEME:
            self.items(item.get("principles"), PRINCIPLE, code, where, "principles")
        if level in (THEME, PRINCIPLE):
            self.items(item.get("criteria"), CRITERION, code, where, "criteria")

    def texts(self, item, name, where):
        return _texts(item.get(name), self.language, where, name, self.problems)


def _capped(rows, max_rows):
    """The sheet's rows as lists, header included, refusing a sheet with more than
    ``max_rows`` rows below the header as soon as the next one is read (a huge
    sheet is never read to its end)."""
    kept = []
    for row in rows:
        if len(kept) > max_rows:
            raise _over_limit(TOO_MANY_ROWS, max_rows)
        kept.append(list(row))
    return kept


def _csv_rows(text, max_rows):
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return _capped(reader, max_rows)
    except csv.Error as error:
        raise ReferentialError(
            _(
                "import_error_csv",
                default="The CSV is malformed at row ${row}: ${problem}.",
                mapping={"row": reader.line_num, "problem": str(error)},
            )
        ) from None


def _not_a_workbook():
    return ReferentialError(
        _(
            "import_error_xlsx",
            default="The file is not a valid XLSX workbook (save it from your "
            "spreadsheet program as 'Excel workbook (.xlsx)').",
        )
    )


def _xlsx_rows(data, max_rows):
    """The first sheet's rows, streamed (openpyxl's read-only mode) and capped."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise _not_a_workbook() from None
    try:
        sheet = workbook.worksheets[0]
        return _capped(sheet.iter_rows(values_only=True), max_rows)
    except ReferentialError:
        raise
    except Exception:
        # A damaged or crafted workbook can fail deep inside openpyxl with any
        # error (XML, zip, values); it is the file's fault, not a server error.
        raise _not_a_workbook() from None
    finally:
        workbook.close()


def _row(number):
    return _("import_where_row", default="Row ${number}", mapping={"number": number})


def _from_rows(rows, stem, language):
    """A referential from a flat sheet: a header row, then one row per item."""
    # Row numbers as a spreadsheet shows them (the first row is 1); blank rows are
    # skipped but still counted.
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if any(_code(value) for value in row)
    ]
    if not numbered:
        raise ReferentialError(_("import_error_empty", default="The file is empty."))
    columns = _columns(*numbered[0])
    nodes = [_row_node(number, row, columns, language) for number, row in numbered[1:]]
    return Referential(
        id=_slug(stem),
        version="1",
        title={language: stem},
        nodes=tuple(nodes),
    )


def _columns(header_number, header_row):
    """Which column (its index) holds what, from the header's names or their
    aliases; refuses a sheet without the code, level and title columns."""
    header = [_code(value).lower() for value in header_row]
    columns = {}
    for index, name in enumerate(header):
        key = COLUMN_ALIASES.get(name)
        if key:
            columns.setdefault(key, index)
    missing = [c for c in ("code", "level") if c not in columns]
    if not any(k.startswith("title") for k in columns):
        missing.append("title_fr/title_en")
    if missing:
        raise ReferentialError(
            _(
                "import_error_missing_columns",
                default="${where}: the sheet has no ${missing} column (columns "
                "found: ${found}). Expected: code, parent_code, level, title_fr, "
                "title_en, guidance_fr, guidance_en.",
                mapping={
                    "where": _row(header_number),
                    "missing": ", ".join(missing),
                    "found": ", ".join(h for h in header if h) or "-",
                },
            )
        )
    return columns


def _row_node(number, row, columns, language):
    def cell(key):
        index = columns.get(key)
        if index is None or index >= len(row):
            return ""
        return _code(row[index])

    def texts(name):
        # A plain "title" column is in ``language``; "title_en" says its own.
        values = {}
        if cell(name):
            values[language] = cell(name)
        for lang in LANGUAGES:
            if cell(f"{name}_{lang}"):
                values[lang] = cell(f"{name}_{lang}")
        return values

    level = cell("level").lower()
    return Node(
        code=cell("code"),
        level=LEVEL_ALIASES.get(level, level),
        parent_code=cell("parent_code") or None,
        title=texts("title"),
        guidance=texts("guidance"),
        where=_row(number),
    )
