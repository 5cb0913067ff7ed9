#!/usr/bin/env python3
"""Build fonts/charset.txt: the characters the bundled CJK font is subset to.

The set is the union of
  1. GB 2312 (every valid two-byte sequence 0xA1A1..0xF7FE decoded with Python's
     `gb2312` codec: 682 symbols + 6763 hanzi = 7445 characters),
  2. every character of the test corpus (../shared/corpus/**: .txt/.md decoded by BOM,
     else UTF-8, else GB18030; .docx: the text nodes of word/document.xml and of the
     other word/*.xml story parts),
  3. every character of our own sample, assets/sample-speech.txt,
  4. EXTRA_RANGES / EXTRA_CHARS below (UI punctuation, Latin, enclosed numbers, arrows...),
  5. fonts/extra-chars.txt (hand-maintained; anything after '#' on a line is a comment),
  6. the characters already listed in fonts/charset.txt (so that regenerating without the
     corpus never drops a character that an earlier run found in it).

C0/C1 control characters are left out. The output has one code point per line,
`U+XXXX  # c`, sorted, which is what `pyftsubset --unicodes-file` reads.

Usage: build_charset.py [--corpus DIR] [--out FILE] [--no-keep]
"""

from __future__ import annotations

import argparse
import codecs
import io
import re
import sys
import unicodedata
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# UI and document punctuation, Latin and symbols. Ranges are inclusive. Code points the
# source font does not have are silently skipped by pyftsubset (coverage is reported).
EXTRA_RANGES = [
    (0x0020, 0x007E, "ASCII"),
    (0x00A0, 0x00FF, "Latin-1 Supplement (× ÷ · ° § ¥ ...)"),
    (0x2000, 0x206F, "General Punctuation (— ‘’ “” … ‰ ※ ...)"),
    (0x2070, 0x209F, "Superscripts and Subscripts"),
    (0x20A0, 0x20CF, "Currency Symbols (€ ...)"),
    (0x2100, 0x214F, "Letterlike Symbols (℃ № ™ ...)"),
    (0x2150, 0x218F, "Number Forms (Ⅰ–Ⅻ ⅰ–ⅻ ⅓ ...)"),
    (0x2190, 0x21FF, "Arrows"),
    (0x2200, 0x22FF, "Mathematical Operators (≤ ≥ ≠ ≈ ∑ ...)"),
    (0x2460, 0x24FF, "Enclosed Alphanumerics (①–⑳ ⑴–⒇ ⒈–⒛ Ⓐ ...)"),
    (0x2500, 0x257F, "Box Drawing"),
    (0x25A0, 0x25FF, "Geometric Shapes (□ ■ ○ ● △ ▲ ◆ ...)"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation (、。〈〉《》「」【】〔〕〖〗 ...)"),
    (0x3200, 0x32FF, "Enclosed CJK Letters and Months (㈠–㈩ ㊀–㊉ ...)"),
    (0xFE10, 0xFE1F, "Vertical Forms"),
    (0xFE30, 0xFE4F, "CJK Compatibility Forms (﹏ ...)"),
    (0xFE50, 0xFE6F, "Small Form Variants"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms (［］（）＿ ０–９ Ａ–Ｚ ...)"),
]

# Single characters outside the ranges above.
EXTRA_CHARS = (
    "☆★☐☑☒✓✔✕✖✗✘"  # check boxes, ticks, stars
    "\u2014\u2015\u00b7\u30fb\u2027"  # both mappings of GB 2312's dash and middle dot
    "\ufffd"  # replacement character, shown for undecodable bytes
)


def gb2312_chars() -> set[str]:
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def decode_text(data: bytes) -> str:
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


DOCX_STORY = re.compile(r"^word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml$")


def docx_text(path: Path) -> str:
    parts = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if DOCX_STORY.match(name):
                root = ET.fromstring(z.read(name))
                parts.append("".join(root.itertext()))
    return "\n".join(parts)


def file_text(path: Path) -> str:
    if path.suffix.lower() == ".docx":
        return docx_text(path)
    return decode_text(path.read_bytes())


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(
        p for p in corpus.rglob("*")
        if p.is_file() and p.suffix.lower() in (".txt", ".md", ".docx")
    )


def wanted(c: str) -> bool:
    return unicodedata.category(c) != "Cc"


def read_charset(path: Path) -> set[str]:
    out = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\s*U\+([0-9A-Fa-f]{4,6})", line)
            if m:
                out.add(chr(int(m.group(1), 16)))
    return out


def read_extra_file(path: Path) -> set[str]:
    out = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            out.update(line.split("#", 1)[0])
    return {c for c in out if not c.isspace()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--sample", type=Path, default=REPO / "assets" / "sample-speech.txt")
    ap.add_argument("--out", type=Path, default=HERE / "charset.txt")
    ap.add_argument("--no-keep", action="store_true",
                    help="do not keep characters already listed in --out (start from scratch)")
    args = ap.parse_args()

    sources: dict[str, set[str]] = {}
    sources["GB 2312"] = gb2312_chars()

    corpus = set()
    if args.corpus.is_dir():
        files = corpus_files(args.corpus)
        for f in files:
            corpus.update(file_text(f))
        print(f"corpus: {len(files)} files under {args.corpus}", file=sys.stderr)
    else:
        print(f"corpus: {args.corpus} not found, keeping the corpus characters already in "
              f"{args.out.name}", file=sys.stderr)
    sources["corpus"] = corpus

    sources["sample"] = set(file_text(args.sample)) if args.sample.exists() else set()
    extra = set(EXTRA_CHARS)
    for lo, hi, _ in EXTRA_RANGES:
        extra.update(chr(c) for c in range(lo, hi + 1))
    sources["extra ranges"] = extra
    sources["extra-chars.txt"] = read_extra_file(HERE / "extra-chars.txt")
    kept = set() if args.no_keep else read_charset(args.out)
    sources["kept from charset.txt"] = kept

    chars = set().union(*sources.values())
    chars = {c for c in chars if wanted(c) and not 0xD800 <= ord(c) <= 0xDFFF}

    lines = ["# Characters the bundled CJK font is subset to; generated by fonts/build_charset.py.",
             "# GB 2312 + corpus + assets/sample-speech.txt + UI ranges + fonts/extra-chars.txt.",
             "# One code point per line (the format of pyftsubset --unicodes-file). Do not edit:",
             "# add characters to fonts/extra-chars.txt and run fonts/subset.sh."]
    for c in sorted(chars):
        cp = ord(c)
        show = c if unicodedata.category(c)[0] not in "CZ" else unicodedata.name(c, "").lower()
        lines.append(f"U+{cp:04X}  # {show}")
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")

    for name, s in sources.items():
        s = {c for c in s if wanted(c)}
        print(f"  {name:24s} {len(s):6d} chars, {len(s - sources['GB 2312']):6d} outside GB 2312",
              file=sys.stderr)
    han = sum(1 for c in chars if unicodedata.name(c, "").startswith("CJK UNIFIED IDEOGRAPH"))
    print(f"charset: {len(chars)} code points ({han} CJK unified ideographs) -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
