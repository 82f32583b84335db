"""Write a buildout [versions] section from a pip constraints file (same pins)."""

import re
import sys


def main(path):
    print(
        "# Generated from constraints.txt by `make versions-buildout.cfg`; do not edit."
    )
    print("[versions]")
    with open(path, encoding="utf-8") as constraints:
        lines = constraints.readlines()
    for line in lines:
        match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)", line.strip())
        if match:
            name = re.sub(r"\[.*\]", "", match.group(1))
            print(f"{name} = {match.group(2)}")


if __name__ == "__main__":
    main(sys.argv[1])
