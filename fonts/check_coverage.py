#!/usr/bin/env python3
"""Check that the subset fonts cover what Pizhu needs; exit 1 if anything is missing.

Usage: check_coverage.py [--corpus DIR] FONT...

Required, for every font: all of GB 2312, every character of the corpus (if the corpus is
there), of assets/sample-speech.txt and of fonts/extra-chars.txt -- control characters
(Unicode category Cc) excepted. Also reports, for information, how many code points of
fonts/charset.txt the source font has no glyph for (the UI ranges include code points that
are unassigned or that Noto CJK does not draw).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

import build_charset as bc


def show(c: str) -> str:
    return f"U+{ord(c):04X} {c if unicodedata.category(c)[0] not in 'CZ' else ''} {unicodedata.name(c, '?')}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=bc.REPO.parent / "shared" / "corpus")
    ap.add_argument("fonts", nargs="+", type=Path)
    args = ap.parse_args()

    required: dict[str, set[str]] = {"GB 2312": bc.gb2312_chars()}
    if args.corpus.is_dir():
        corpus = set()
        files = bc.corpus_files(args.corpus)
        for f in files:
            corpus.update(bc.file_text(f))
        required[f"corpus ({len(files)} files)"] = corpus
    else:
        print(f"note: no corpus at {args.corpus}; checking GB 2312, sample and extras only")
    sample = bc.REPO / "assets" / "sample-speech.txt"
    if sample.exists():
        required["assets/sample-speech.txt"] = set(bc.file_text(sample))
    required["extra-chars.txt"] = bc.read_extra_file(bc.HERE / "extra-chars.txt")
    charset = bc.read_charset(bc.HERE / "charset.txt")

    failed = False
    for path in args.fonts:
        font = TTFont(path, lazy=True)
        cmap = font.getBestCmap()
        cps = {chr(cp) for cp in cmap}
        han = sum(1 for c in cps if unicodedata.name(c, "").startswith("CJK UNIFIED IDEOGRAPH"))
        print(f"{path.name}: {len(cps)} code points mapped ({han} CJK unified ideographs), "
              f"{font['maxp'].numGlyphs} glyphs, {path.stat().st_size} bytes")
        for name, chars in required.items():
            need = {c for c in chars if unicodedata.category(c) != "Cc"}
            missing = sorted(need - cps)
            status = "ok" if not missing else f"MISSING {len(missing)}"
            print(f"  {name:28s} {len(need):6d} chars: {status}")
            for c in missing[:50]:
                print(f"      {show(c)}")
            failed |= bool(missing)
        lacking = sorted(charset - cps)
        print(f"  charset.txt {len(charset)} code points; the source font has no glyph for "
              f"{len(lacking)} of them (unassigned or not drawn by Noto CJK; informational)")
    if failed:
        print("coverage check FAILED")
        return 1
    print("coverage check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
