#!/usr/bin/env python3
"""Mark a pyftsubset output as Pizhu's subset, keeping everything else byte-stable.

Usage: finish_font.py IN.otf OUT.otf

Only the version string (name ID 5) and the unique font identifier (name ID 3) change, so
that the file says it is a modified version. The family, style, full and PostScript names
are kept: the fonts have no Reserved Font Name that these names use (see README.md). The
head table's timestamps are the source font's, not the time of the run, so the output is
reproducible.
"""

import sys

from fontTools.ttLib import TTFont

SUFFIX_VERSION = "; subset for Pizhu (fonts/subset.sh)"
SUFFIX_UNIQUE = ";PizhuSubset"


def main() -> int:
    src, dst = sys.argv[1], sys.argv[2]
    font = TTFont(src, recalcTimestamp=False, recalcBBoxes=False)
    for rec in font["name"].names:
        if rec.nameID == 5:
            rec.string = rec.toUnicode() + SUFFIX_VERSION
        elif rec.nameID == 3:
            rec.string = rec.toUnicode() + SUFFIX_UNIQUE
    font.save(dst, reorderTables=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
