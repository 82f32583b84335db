"""Read referential files: the canonical YAML/JSON format and flat CSV/XLSX sheets.

Every reader returns a validated ``Referential`` or raises ``ReferentialError`` with
messages that name the row or code at fault. Readers never touch the site.
"""

from collective.nrlabel.referential.model import CRITERION
from collective.nrlabel.referential.model import LANGUAGES
from collective.nrlabel.referential.model import Node
from collective.nrlabel.referential.model import PRINCIPLE
from collective.nrlabel.referential.model import Referential
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.model import THEME
from collective.nrlabel.referential.model import validate
from pathlib import PurePosixPath

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


def read_referential(data, filename, id=None, version=None, title=None, language="fr"):
    """Read ``data`` (bytes) according to ``filename``'s extension.

    ``id``, ``version`` and ``title`` override or supply the referential's metadata
    (a flat sheet has no room for them). ``language`` is the language of texts that
    are not marked with one (a plain ``title`` column, a plain string in YAML).
    """
    suffix = PurePosixPath(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise ReferentialError(
            f"Unsupported file type {suffix or '(none)'!r}: "
            f"use one of {', '.join(EXTENSIONS)}."
        )
    if not data or not data.strip():
        raise ReferentialError("The file is empty.")
    stem = PurePosixPath(filename).stem
    if suffix == ".xlsx":
        referential = _from_rows(_xlsx_rows(data), stem, language)
    else:
        text = _decode(data)
        if suffix == ".csv":
            referential = _from_rows(_csv_rows(text), stem, language)
        elif suffix == ".json":
            referential = _from_canonical(_load_json(text), stem, language)
        else:
            referential = _from_canonical(_load_yaml(text), stem, language)
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


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReferentialError(
            f"The file is not encoded in UTF-8 (byte 0x{data[error.start]:02x} at "
            f"position {error.start} cannot be read). Save it as UTF-8 and import "
            "it again."
        ) from None


def _load_json(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReferentialError(
            f"The JSON is malformed at line {error.lineno}, column {error.colno}: "
            f"{error.msg}."
        ) from None


def _load_yaml(text):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ReferentialError(f"The YAML is malformed{where}: {problem}.") from None


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
                problems.append(f"{where}: the {name} in {lang!r} must be text.")
                continue
            texts[str(lang)] = str(text).strip()
        return texts
    problems.append(f"{where}: the {name} must be text or a mapping of languages.")
    return {}


def _code(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _from_canonical(data, stem, language):
    if not isinstance(data, dict):
        raise ReferentialError(
            "The file is not in the referential format: expected a mapping with "
            "'id', 'version', 'title' and 'themes' (see docs/referential-format.md)."
        )
    declared = data.get("format")
    if declared and declared != CANONICAL_FORMAT:
        raise ReferentialError(
            f"Unknown format {declared!r}; this version reads {CANONICAL_FORMAT!r}."
        )
    language = data.get("language") or language
    problems = []
    themes = data.get("themes")
    if themes is None:
        themes = []
    if not isinstance(themes, list):
        raise ReferentialError("'themes' must be a list.")

    nodes = []

    def walk(items, level, parent, trail, key):
        if items is None:
            return
        if not isinstance(items, list):
            problems.append(f"{trail or 'The file'}: '{key}' must be a list.")
            return
        for position, item in enumerate(items, start=1):
            where = f"{trail} › {level} {position}" if trail else f"{level} {position}"
            if not isinstance(item, dict):
                problems.append(f"{where}: expected a mapping with 'code' and 'title'.")
                continue
            code = _code(item.get("code"))
            nodes.append(
                Node(
                    code=code,
                    level=level,
                    parent_code=parent,
                    title=_texts(item.get("title"), language, where, "title", problems),
                    guidance=_texts(
                        item.get("guidance"), language, where, "guidance", problems
                    ),
                    where=where,
                )
            )
            if level == THEME:
                walk(item.get("principles"), PRINCIPLE, code, where, "principles")
            if level in (THEME, PRINCIPLE):
                walk(item.get("criteria"), CRITERION, code, where, "criteria")

    walk(themes, THEME, None, "", "themes")
    if problems:
        raise ReferentialError(problems)
    where = "The referential"
    return Referential(
        id=str(data.get("id") or _slug(stem)),
        version=str(data.get("version") or ""),
        title=_texts(data.get("title"), language, where, "title", problems) or {},
        description=_texts(data.get("description"), language, where, "description", []),
        publisher=str(data.get("publisher") or ""),
        source=str(data.get("source") or ""),
        nodes=tuple(nodes),
    )


def _csv_rows(text):
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error as error:
        raise ReferentialError(
            f"The CSV is malformed at row {reader.line_num}: {error}."
        ) from None


def _xlsx_rows(data):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ReferentialError(
            "The file is not a valid XLSX workbook (save it from your spreadsheet "
            "program as 'Excel workbook (.xlsx)')."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _from_rows(rows, stem, language):
    """Nodes from a flat sheet: a header row, then one row per item."""
    # Row numbers as a spreadsheet shows them (the first row is 1); blank rows are
    # skipped but still counted.
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if any(_code(value) for value in row)
    ]
    if not numbered:
        raise ReferentialError("The file is empty.")
    header_number, header_row = numbered[0]
    header = [_code(value).lower() for value in header_row]
    columns = {}
    unknown = []
    for index, name in enumerate(header):
        key = COLUMN_ALIASES.get(name)
        if key:
            columns.setdefault(key, index)
        elif name:
            unknown.append(name)
    missing = [c for c in ("code", "level") if c not in columns]
    if not any(k.startswith("title") for k in columns):
        missing.append("title_fr or title_en")
    if missing:
        raise ReferentialError(
            f"Row {header_number}: the sheet has no {', '.join(missing)} column "
            f"(columns found: {', '.join(h for h in header if h) or 'none'}). "
            "Expected: code, parent_code, level, title_fr, title_en, guidance_fr, "
            "guidance_en."
        )

    def cell(row, key):
        index = columns.get(key)
        if index is None or index >= len(row):
            return ""
        return _code(row[index])

    def texts(row, name):
        values = {}
        if cell(row, name):
            values[language] = cell(row, name)
        for lang in LANGUAGES:
            if cell(row, f"{name}_{lang}"):
                values[lang] = cell(row, f"{name}_{lang}")
        return values

    nodes = []
    for number, row in numbered[1:]:
        level = cell(row, "level")
        nodes.append(
            Node(
                code=cell(row, "code"),
                level=LEVEL_ALIASES.get(level.lower(), level.lower()),
                parent_code=cell(row, "parent_code") or None,
                title=texts(row, "title"),
                guidance=texts(row, "guidance"),
                where=f"Row {number}",
            )
        )
    return Referential(
        id=_slug(stem),
        version="1",
        title={language: stem},
        nodes=tuple(nodes),
    )
