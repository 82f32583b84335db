"""Read the referential out of the seed text (../shared/seed/label-nr-organisations.md)."""

import re


def parse_seed(markdown):
    """[(code, level, title)] for the 5 themes, 14 principles and 47 criteria."""
    section = markdown.split("## Le référentiel", 1)[1].split(
        "## Un label exigeant", 1
    )[0]
    items = []
    theme = principle = criterion = 0
    for line in section.splitlines():
        heading = re.match(r"^### (\d+)\. (.+?)\s*$", line)
        if heading:
            theme, principle = int(heading.group(1)), 0
            items.append((str(theme), "theme", heading.group(2)))
        elif line.startswith("- "):
            principle, criterion = principle + 1, 0
            items.append((f"{theme}.{principle}", "principle", line[2:].strip()))
        elif re.match(r"^\s+- ", line):
            criterion += 1
            title = line.strip()[2:].strip()
            items.append((f"{theme}.{principle}.{criterion}", "criterion", title))
    return items
