#!/usr/bin/env bash
# Regenerate Pizhu's bundled CJK fonts (fonts/*.subset.otf) from Noto CJK.
#
#   fonts/subset.sh                   # rebuild charset.txt (if the corpus is beside the repo) and the fonts
#   fonts/subset.sh --fresh-charset   # rebuild charset.txt from scratch instead of only adding to it
#   fonts/subset.sh --no-install      # do not apt-get / pip install anything, use what is there
#   CORPUS=DIR fonts/subset.sh        # corpus elsewhere than ../shared/corpus (beside the repo)
#
# Source: Debian's package fonts-noto-cjk (bookworm: 1:20220127+repack1-1), which ships
# googlefonts/noto-cjk's OpenType collections (OTC, CFF outlines) under the SIL OFL 1.1:
#   /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc  face 2 = Noto Serif CJK SC 2.001
#   /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc   face 2 = Noto Sans CJK SC 2.004
# Tool: fontTools (PyPI), pinned below; `python3 -m fontTools.subset` is pyftsubset.
#
# Steps: (1) install the source fonts and fontTools, (2) build fonts/charset.txt
# (build_charset.py: GB 2312 + ../shared/corpus + assets/sample-speech.txt + UI ranges +
# extra-chars.txt), (3) subset each face with pyftsubset, (4) mark the name table as a
# subset (finish_font.py) and write fonts/*.subset.otf, (5) check coverage
# (check_coverage.py) and print sizes and SHA256SUMS. Same inputs give byte-identical fonts.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

FONTTOOLS_VERSION=4.68.0
DEB_PACKAGE=fonts-noto-cjk
DEB_VERSION='1:20220127+repack1-1'
SRC_DIR=/usr/share/fonts/opentype/noto
# output file                     source collection           face  sha256 of the source collection
FACES=(
  "NotoSerifCJKsc-Regular.subset.otf NotoSerifCJK-Regular.ttc 2 a04178ec485dffdff7cc0c0c20e1fce9202d7e2160d805e8e44a4c8841c58481"
  "NotoSansCJKsc-Regular.subset.otf  NotoSansCJK-Regular.ttc  2 b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a"
)
# egui (epaint 0.37) shapes with harfrust, horizontally, with no language set: of the
# layout features only GPOS `kern` (Latin and kana pairs) does anything for us. GSUB is
# dropped (its closure -- vertical forms, locl variants for JP/KR/TC -- would double the size),
# and so are the vertical-metrics and baseline tables. CFF hints are kept on purpose:
# egui hints by default, and skrifa's PostScript hinter uses them (crisper horizontals at
# 14-18 px; about +0.4 MB for the serif).
SUBSET_FLAGS=(
  --unicodes-file=charset.txt
  --layout-features=kern
  --drop-tables+=GSUB,BASE,vhea,vmtx,VORG
  --name-IDs='*'
  --name-languages='*'
  --notdef-outline
)

FRESH=()
INSTALL=1
for arg in "$@"; do
  case "$arg" in
    --fresh-charset) FRESH=(--no-keep) ;;
    --no-install) INSTALL=0 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "subset.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO=(sudo); fi

# --- 1. source fonts and fontTools --------------------------------------------------------
if [ "$INSTALL" = 1 ] && ! dpkg-query -W -f='${Status}' "$DEB_PACKAGE" 2>/dev/null | grep -q 'ok installed'; then
  echo "== installing $DEB_PACKAGE (Debian)"
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "$DEB_PACKAGE" \
    || { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q --no-install-recommends "$DEB_PACKAGE"; }
fi
installed="$(dpkg-query -W -f='${Version}' "$DEB_PACKAGE" 2>/dev/null || echo none)"
if [ "$installed" != "$DEB_VERSION" ]; then
  echo "warning: $DEB_PACKAGE $installed is installed, these fonts were made from $DEB_VERSION;" \
       "the output will differ (update DEB_VERSION, the sha256s in FACES and README.md to move on)" >&2
fi

PYTHON="${PYTHON:-python3}"
have_fonttools() { "$PYTHON" -c "import fontTools, sys; sys.exit(fontTools.version != '$FONTTOOLS_VERSION')" 2>/dev/null; }
if ! have_fonttools; then
  [ "$INSTALL" = 1 ] || { echo "fontTools $FONTTOOLS_VERSION not found for $PYTHON" >&2; exit 1; }
  echo "== installing fonttools==$FONTTOOLS_VERSION (PyPI)"
  if ! "$PYTHON" -m pip install --quiet "fonttools==$FONTTOOLS_VERSION" 2>/dev/null; then
    # e.g. Debian's externally managed system Python: use a private virtualenv instead
    VENV="${XDG_CACHE_HOME:-$HOME/.cache}/pizhu-fonts-venv"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet "fonttools==$FONTTOOLS_VERSION"
    PYTHON="$VENV/bin/python"
  fi
  have_fonttools || { echo "could not install fontTools $FONTTOOLS_VERSION" >&2; exit 1; }
fi

for face in "${FACES[@]}"; do
  read -r out src index sha <<<"$face"
  [ -f "$SRC_DIR/$src" ] || { echo "missing $SRC_DIR/$src (apt-get install $DEB_PACKAGE)" >&2; exit 1; }
  got="$(sha256sum "$SRC_DIR/$src" | cut -d' ' -f1)"
  [ "$got" = "$sha" ] || echo "warning: $SRC_DIR/$src has sha256 $got, expected $sha" >&2
done

# --- 2. character list ----------------------------------------------------------------------
echo "== building charset.txt"
CORPUS="${CORPUS:-$(cd "$HERE/../.." && pwd)/shared/corpus}"
"$PYTHON" build_charset.py --corpus "$CORPUS" "${FRESH[@]}"

# --- 3./4. subset and finish ----------------------------------------------------------------
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
outs=()
for face in "${FACES[@]}"; do
  read -r out src index sha <<<"$face"
  echo "== subsetting $src face $index -> $out"
  "$PYTHON" -m fontTools.subset "$SRC_DIR/$src" "${SUBSET_FLAGS[@]}" --font-number="$index" \
    --output-file="$TMP/$out"
  "$PYTHON" finish_font.py "$TMP/$out" "$out"
  outs+=("$out")
done

# --- 5. coverage, sizes, checksums -----------------------------------------------------------
echo "== coverage"
"$PYTHON" check_coverage.py --corpus "$CORPUS" "${outs[@]}"

echo "== sizes"
total=0
for out in "${outs[@]}"; do
  size=$(stat -c %s "$out"); total=$((total + size))
  printf '  %-36s %9d bytes (%s MiB)\n' "$out" "$size" "$(awk "BEGIN{printf \"%.2f\", $size/1048576}")"
done
printf '  %-36s %9d bytes (%s MiB)\n' total "$total" "$(awk "BEGIN{printf \"%.2f\", $total/1048576}")"
sha256sum "${outs[@]}" > SHA256SUMS
cat SHA256SUMS
