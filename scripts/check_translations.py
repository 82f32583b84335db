"""Fail when a message of the .pot is missing or untranslated in the fr or en catalogue."""

from pathlib import Path

import re
import sys


def entries(path):
    """{msgid: msgstr} of a .po/.pot file (single- and multi-line strings)."""
    text = Path(path).read_text(encoding="utf-8")
    result = {}
    for block in re.split(r"\n\s*\n", text):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            if key:
                result[key] = (
                    "".join(re.findall(r'"(.*)"', msgstr.group(1))),
                    "#, fuzzy" in block,
                )
    return result


def main(locales):
    locales = Path(locales)
    pot = entries(locales / "collective.nrlabel.pot")
    failures = 0
    for language in ("fr", "en"):
        po = entries(locales / language / "LC_MESSAGES" / "collective.nrlabel.po")
        for msgid in pot:
            msgstr, fuzzy = po.get(msgid, ("", False))
            if not msgstr or fuzzy:
                print(f"{language}: untranslated {msgid!r}")
                failures += 1
    print(f"{len(pot)} messages, {failures} untranslated")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
