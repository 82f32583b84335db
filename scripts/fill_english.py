"""Give every message of the English catalogue its English default as translation.

Our msgids are ids ("label_code") with English defaults; the en catalogue spells
them out so that i18ndude finds nothing untranslated and English is never an id.
"""

from pathlib import Path

import re
import sys


def fill(path):
    text = Path(path).read_text(encoding="utf-8")
    blocks = re.split(r"\n\n", text)
    out = []
    for block in blocks:
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        msgstr = re.search(r'^msgstr "(.*)"$', block, re.M)
        if msgid and msgstr and msgid.group(1) and not msgstr.group(1):
            default = re.search(r'^#\. Default: "(.*)"$', block, re.M)
            english = default.group(1) if default else msgid.group(1)
            block = block.replace('msgstr ""', f'msgstr "{english}"', 1)
        out.append(block)
    Path(path).write_text("\n\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    fill(sys.argv[1])
