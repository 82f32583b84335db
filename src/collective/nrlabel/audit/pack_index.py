"""The audit pack's ``index.html``: the page an auditor or the labelling committee
opens first. Written after the request, from what ``pack_contents`` read while it
was there, part by part (the pack is streamed); styled inline and readable on a
phone; every text that comes from content is HTML-escaped (titles are hostile
input), file links are percent-encoded relative paths.
"""

from collective.nrlabel import _
from collective.nrlabel.exports import is_french
from collective.nrlabel.programme_tree import TreeNode
from collective.nrlabel.scoring import code_sort_key
from datetime import date
from html import escape
from urllib.parse import quote

import itertools
import re


# The words of index.html, translated while the request is there.
INDEX_TEXTS = {
    "files": _("pack_files", default="Files in the pack"),
    "generated": _("pack_generated", default="Generated on"),
    "organisation": _("label_organisation", default="Organisation"),
    "contents": _("pack_contents", default="Contents"),
    "check_heading": _("pack_check_heading", default="How to check the files"),
    "check_intro": _(
        "pack_check_intro",
        default="SHA256SUMS lists every file of this pack with its SHA-256 "
        "fingerprint, taken when the pack was made. If a single byte of a file "
        "has changed since, its fingerprint no longer matches.",
    ),
    "check_linux": _(
        "pack_check_linux",
        default="On Linux or macOS, open a terminal in the unzipped folder and run "
        "the command below: each file should be reported OK.",
    ),
    "check_windows": _(
        "pack_check_windows",
        default="On Windows, open PowerShell in the unzipped folder and run the "
        "command below (it uses Get-FileHash): each file should be reported OK.",
    ),
    "summary_heading": _("pack_summary_heading", default="Summary"),
    "readiness": _("column_readiness", default="Readiness"),
    "covered": _("label_covered_criteria", default="Covered criteria"),
    "score": _("label_score_out_of_1000", default="Score (out of 1000)"),
    "level": _("label_predicted_level", default="Predicted level"),
    "criteria_heading": _("pack_criteria_heading", default="Criteria and evidence"),
    "gaps_heading": _("pack_gaps_heading", default="Gaps"),
    "gaps_intro": _(
        "pack_gaps_intro",
        default="Applicable criteria not yet covered by approved evidence valid "
        "through the audit.",
    ),
    "no_gaps": _(
        "pack_no_gaps", default="No gap: every applicable criterion is covered."
    ),
    "plan_heading": _("pack_plan_heading", default="Action plan"),
    "no_actions": _("pack_no_actions", default="The action plan has no action."),
    "overdue": _("overdue", default="overdue"),
    "applicability": _("label_applicability", default="Applicability"),
    "justification": _("column_justification", default="Justification"),
    "maturity": _("column_maturity_label", default="Maturity"),
    "not_assessed": _("pack_not_assessed", default="Not assessed"),
    "owner": _("column_owner", default="Owner"),
    "target_date": _("column_target_date", default="Target date"),
    "light": _("column_readiness", default="Readiness"),
    "evidence": _("column_approved_evidence", default="Approved evidence"),
    "no_evidence": _("pack_no_evidence", default="No approved evidence in this pack."),
    "also_supports": _("column_also_supports", default="Also supports"),
    "filed_with": _("pack_filed_with", default="File kept with criterion"),
    "action": _("column_action", default="Action"),
    "due": _("label_due_date", default="Due date"),
    "status": _("pack_action_status", default="Status"),
    "criteria": _("label_action_criteria", default="Criteria"),
    "planned": _("column_planned_actions", default="Planned actions"),
    "criterion": _("column_criterion", default="Criterion"),
    "code": _("column_code", default="Code"),
    "yes": _("value_yes", default="yes"),
    "not_applicable": _("light_na", default="Not applicable"),
    "applicable": _("column_applicable", default="Applicable"),
    "missing_heading": _(
        "pack_missing_heading", default="Warning: approved versions missing"
    ),
    "missing_intro": _(
        "pack_missing_intro",
        default="The approved version of these intranet documents could not be "
        "retrieved (the document was deleted and no copy was kept): the pack "
        "does not hold them, and the manifest lists them as MISSING.",
    ),
    "mismatch_intro": _(
        "pack_mismatch_intro",
        default="The bytes packed for these intranet documents do not match the "
        "SHA-256 recorded at approval:",
    ),
    "missing": _("pack_missing", default="MISSING: approved version not retrievable"),
    "mismatch": _(
        "pack_mismatch", default="Does not match the SHA-256 recorded at approval"
    ),
    "pinned_sha256": _("pack_pinned_sha256", default="SHA-256 at approval"),
}


MONTHS = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]


def human_date(value, language):
    """A date (or ISO date) for people: 15/06/2026 in French, 15 Jun 2026 otherwise
    (never ISO, never a two-digit year). The pack is written after the request,
    so Plone's formatter is not at hand."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if is_french(language):
        return value.strftime("%d/%m/%Y")
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def anchor(code):
    """The id of a criterion's section: ``criterion-1-1-3`` (the add-on's rule)."""
    return "criterion-" + re.sub(r"[^A-Za-z0-9_-]", "-", code)


def _pair(label, value, language):
    """'Label: value' with French typography ('Label : value'); both escaped."""
    colon = "\u00a0:" if is_french(language) else ":"
    return f"<strong>{escape(label)}{colon}</strong> {value}"


INDEX_CSS = """
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1b1b1b;background:#fff}
main{max-width:62rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.3rem;border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.15rem;margin-top:1.5rem}h4,h5,h6{font-size:1rem;margin:.2rem 0}
a{color:#0b57a4}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem}
pre{background:#f3f3f3;padding:.5rem;white-space:pre-wrap;word-break:break-all}
.sha{word-break:break-all}
.meta{color:#444}
.criterion{border:1px solid #c8c8c8;border-radius:6px;padding:.75rem;margin:1rem 0}
.light{display:inline-block;padding:0 .5rem;border-radius:4px;font-weight:600}
.light-green{background:#c6efce;color:#006100}
.light-amber{background:#ffeb9c;color:#7a4500}
.light-red{background:#ffc7ce;color:#9c0006}
.light-na{background:#d9d9d9;color:#262626}
ul{padding-left:1.2rem}li{margin:.4rem 0;overflow-wrap:anywhere}
.facts{list-style:none;padding:0}.facts li{margin:.1rem 0}
li.file{margin-bottom:.8rem}li.file .facts{font-size:.95rem;color:#333}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #c8c8c8;padding:.4rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{background:#eef3f8}
@media (max-width:40rem){
table,thead,tbody,tr,th,td{display:block}
thead tr{position:absolute;left:-9999px}
tr{border:1px solid #c8c8c8;margin-bottom:.6rem}
td{border:0;border-bottom:1px solid #eee}
td::before{content:attr(data-label);display:block;font-weight:600}
}
"""


def index_html(manifest, title, generated, labels, contents):
    """The pack's table of contents for people, as UTF-8 bytes, part by part."""
    parts = itertools.chain(
        (_index_head(title, generated, labels, contents, len(manifest)),),
        (_index_warnings(manifest, labels),),
        (_index_check(labels), _index_summary(labels, contents)),
        (_index_gaps(labels, contents),),
        _index_criteria(manifest, labels, contents),
        (_index_plan(labels, contents), "</main></body></html>"),
    )
    for part in parts:
        yield part.encode("utf-8")


def _index_head(title, generated, labels, contents, count):
    language = labels.language
    meta = [_pair(labels["generated"], escape(generated), language)]
    if contents.organisation:
        meta.insert(
            0, _pair(labels["organisation"], escape(contents.organisation), language)
        )
    meta.append(_pair(labels["files"], str(count), language))
    sections = [("check", "check_heading"), ("summary", "summary_heading")]
    sections += [("gaps", "gaps_heading"), ("criteria", "criteria_heading")]
    sections += [("plan", "plan_heading")]
    links = "".join(
        f'<li><a href="#{target}">{escape(labels[key])}</a></li>'
        for target, key in sections
    )
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{INDEX_CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>"
        + "".join(f'<p class="meta">{line}</p>' for line in meta)
        + f'<nav aria-labelledby="contents"><h2 id="contents">'
        f"{escape(labels['contents'])}</h2><ul>{links}</ul></nav>"
    )


# SHA256SUMS checked in PowerShell (Windows has no sha256sum): UTF-8 names, one
# "path : OK" or "path : FAILED" line per file (-eq ignores the hex case).
WINDOWS_CHECK = (
    "Get-Content -Encoding UTF8 SHA256SUMS | ForEach-Object {\n"
    "  $sum, $file = $_ -split '  ', 2\n"
    "  $ok = (Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash -eq $sum\n"
    "  \"$file : $(if ($ok) { 'OK' } else { 'FAILED' })\"\n"
    "}"
)


def _index_warnings(manifest, labels):
    """A visible warning, at the top, for intranet evidence whose approved
    version is missing or whose packed bytes do not match the pin."""
    missing = [(p, e) for p, _s, _z, e in manifest if e.missing]
    mismatched = [(p, e) for p, _s, _z, e in manifest if e.mismatch]
    if not missing and not mismatched:
        return ""

    def items(rows):
        return "".join(
            f"<li>{_code_link(e.criterion)} — {escape(e.title)}"
            f' (<a href="{escape(e.url)}">{escape(e.url)}</a>)</li>'
            for _p, e in rows
        )

    parts = [
        '<section id="warnings" role="alert" style="border:3px solid #9c0006;'
        'background:#ffc7ce;color:#4a0003;padding:.75rem;border-radius:6px">'
        f"<h2>{escape(labels['missing_heading'])}</h2>"
    ]
    if missing:
        parts.append(
            f"<p>{escape(labels['missing_intro'])}</p><ul>{items(missing)}</ul>"
        )
    if mismatched:
        parts.append(
            f"<p>{escape(labels['mismatch_intro'])}</p><ul>{items(mismatched)}</ul>"
        )
    return "".join(parts) + "</section>"


def _index_check(labels):
    """How to check the files, in plain words, with the commands to run."""
    return (
        f'<section id="check"><h2>{escape(labels["check_heading"])}</h2>'
        f"<p>{escape(labels['check_intro'])}</p>"
        f"<p>{escape(labels['check_linux'])}</p>"
        "<pre><code>sha256sum -c SHA256SUMS</code></pre>"
        f"<p>{escape(labels['check_windows'])}</p>"
        f"<pre><code>{escape(WINDOWS_CHECK)}</code></pre>"
        "</section>"
    )


def _index_summary(labels, contents):
    result = contents.readiness
    if result is None:
        return ""
    language = labels.language
    percent = result.total.percent
    shown = (
        ""
        if percent is None
        else f"{percent}\u00a0%"
        if is_french(language)
        else f"{percent}%"
    )
    score = "" if result.score.score is None else str(result.score.score)
    facts = (
        ("readiness", shown),
        ("covered", f"{result.total.covered} / {result.total.applicable}"),
        ("score", score),
        ("level", escape(contents.level)),
    )
    items = "".join(
        f"<li>{_pair(labels[key], value, language)}</li>" for key, value in facts
    )
    return (
        f'<section id="summary"><h2>{escape(labels["summary_heading"])}</h2>'
        f'<ul class="facts">{items}</ul></section>'
    )


def _code_link(code):
    return f'<a href="#{anchor(code)}">{escape(code)}</a>'


def _table(labels, keys, rows):
    """A table that turns into labelled blocks on a phone (``data-label``)."""
    heads = [escape(labels[key]) for key in keys]
    head = "".join(f'<th scope="col">{h}</th>' for h in heads)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{h}">{cell}</td>'
            for h, cell in zip(heads, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _light(labels, light):
    return f'<span class="light light-{escape(light)}">{escape(labels.lights.get(light, light))}</span>'


def _index_gaps(labels, contents):
    """Applicable criteria not green: code, title, light, owner, date, actions."""
    result = contents.readiness
    if result is None:
        return ""
    language = labels.language
    rows = []
    for c in result.criteria:
        if not c.applicable or c.light == "green":
            continue
        sheet = contents.criteria.get(c.code)
        rows.append(
            (
                _code_link(c.code),
                escape(c.title),
                _light(labels, c.light),
                escape((sheet.owner if sheet else "") or "—"),
                escape(human_date(sheet.target_date if sheet else None, language)),
                "<br>".join(escape(t) for t in (sheet.planned if sheet else ())),
            )
        )
    keys = ("code", "criterion", "light", "owner", "target_date", "planned")
    body = _table(labels, keys, rows) if rows else f"<p>{escape(labels['no_gaps'])}</p>"
    return (
        f'<section id="gaps"><h2>{escape(labels["gaps_heading"])}</h2>'
        f"<p>{escape(labels['gaps_intro'])}</p>{body}</section>"
    )


def _index_plan(labels, contents):
    language = labels.language
    rows = [
        (
            escape(a.title),
            escape(a.owner or "—"),
            escape(human_date(a.due_date, language) or "—"),
            escape(a.status)
            + (f" — <strong>{escape(labels['overdue'])}</strong>" if a.overdue else ""),
            ", ".join(_code_link(code) for code in a.codes),
        )
        for a in contents.plan
    ]
    keys = ("action", "owner", "due", "status", "criteria")
    body = (
        _table(labels, keys, rows) if rows else f"<p>{escape(labels['no_actions'])}</p>"
    )
    return (
        f'<section id="plan"><h2>{escape(labels["plan_heading"])}</h2>{body}</section>'
    )


def _criterion_nodes(contents, manifest):
    """(depth, node) of themes, principles and criteria in referential order; with
    no tree (a bare ``stream_pack``), the criteria of the files, by code."""
    if not contents.tree:
        codes = sorted({e.criterion for _p, _s, _z, e in manifest}, key=code_sort_key)
        for code in codes:
            yield 0, TreeNode(code, "", "", "nr_criterion")
        return
    stack = [(0, node) for node in reversed(contents.tree)]
    while stack:
        depth, node = stack.pop()
        yield depth, node
        stack.extend((depth + 1, child) for child in reversed(node.children))


def _index_criteria(manifest, labels, contents):
    """Each criterion: its light, self-assessment and evidence, reused evidence
    under every criterion it supports."""
    files = {}
    for path, sha, size, e in manifest:
        files.setdefault(e.criterion, []).append((path, sha, size, e, None))
        for code in e.supports:
            files.setdefault(code, []).append((path, sha, size, e, e.criterion))
    yield f'<section id="criteria"><h2>{escape(labels["criteria_heading"])}</h2>'
    for depth, node in _criterion_nodes(contents, manifest):
        heading = f"h{min(depth + 3, 6)}"
        name = escape(f"{node.code} {node.title}".strip())
        if node.portal_type != "nr_criterion":
            yield f"<{heading}>{name}</{heading}>"
            continue
        yield (
            f'<article class="criterion" id="{anchor(node.code)}">'
            f"<{heading}>{name}</{heading}>"
            + _criterion_facts(labels, contents.criteria.get(node.code))
            + _evidence_list(labels, files.get(node.code, ()))
            + "</article>"
        )
    yield "</section>"


def _criterion_facts(labels, sheet):
    """The light and self-assessment of a criterion."""
    if sheet is None:
        return ""
    language = labels.language
    if sheet.applicable:
        applicability = escape(labels["applicable"])
    else:
        applicability = escape(labels["not_applicable"])
        if sheet.justification:
            applicability += f" — {escape(sheet.justification)}"
    facts = [
        _pair(labels["light"], _light(labels, sheet.light), language),
        _pair(labels["applicability"], applicability, language),
        _pair(
            labels["maturity"],
            escape(sheet.maturity or labels["not_assessed"]),
            language,
        ),
        _pair(labels["owner"], escape(sheet.owner or "—"), language),
    ]
    if sheet.target_date:
        facts.append(
            _pair(
                labels["target_date"],
                escape(human_date(sheet.target_date, language)),
                language,
            )
        )
    if sheet.planned:
        facts.append(
            _pair(labels["planned"], escape("; ".join(sheet.planned)), language)
        )
    return '<ul class="facts">' + "".join(f"<li>{f}</li>" for f in facts) + "</ul>"


def _evidence_list(labels, files):
    """The approved evidence of a criterion: its own files and reused ones."""
    if not files:
        return f"<p><em>{escape(labels['no_evidence'])}</em></p>"
    items = "".join(
        f'<li class="file">{_file_name(labels, path, e)}'
        f'<ul class="facts">{_file_facts(labels, sha, size, e, home)}</ul></li>'
        for path, sha, size, e, home in files
    )
    return f"<p><strong>{escape(labels['evidence'])}</strong></p><ul>{items}</ul>"


def _file_name(labels, path, entry):
    """The file's link, or its title and a loud MISSING when it is not there."""
    if entry.missing:
        return (
            f"{escape(entry.title)} — "
            f'<strong class="light light-red">{escape(labels["missing"])}</strong>'
        )
    link = f'<a href="{escape(quote(path))}">{escape(entry.title)}</a>'
    if entry.mismatch:
        link += (
            f' — <strong class="light light-red">{escape(labels["mismatch"])}</strong>'
        )
    return link


def _file_facts(labels, sha, size, entry, home):
    """Approver by name, dates, size, fingerprint, and where else it counts."""
    language = labels.language
    head = labels.by_field
    facts = [
        (head["approver"], escape(entry.approver_name or entry.approver)),
        (head["approved"], escape(human_date(entry.approved, language))),
    ]
    if entry.valid_until:
        facts.append(
            (head["valid_until"], escape(human_date(entry.valid_until, language)))
        )
    if not getattr(entry, "missing", False):
        facts.append((head["size"], str(size)))
        facts.append((head["sha256"], f'<code class="sha">{sha}</code>'))
    if getattr(entry, "pinned_sha256", ""):
        pinned = f'<code class="sha">{escape(entry.pinned_sha256)}</code>'
        facts.append((labels["pinned_sha256"], pinned))
    if home:
        facts.append((labels["filed_with"], _code_link(home)))
    elif entry.supports:
        links = ", ".join(_code_link(code) for code in entry.supports)
        facts.append((labels["also_supports"], links))
    return "".join(
        f"<li>{_pair(label, value, language)}</li>" for label, value in facts
    )
