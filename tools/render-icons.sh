#!/usr/bin/env bash
# Render the application icon (assets/icons/pizhu.svg) to the PNG sizes icon themes use, in
# the hicolor layout: assets/icons/hicolor/NxN/apps/pizhu.png. The PNGs are committed, so a
# build needs none of these tools; run this again after changing the SVG.
#
# Uses rsvg-convert (Debian: librsvg2-bin) when present, else ImageMagick's convert.
set -euo pipefail
cd "$(dirname "$0")/.."

svg=assets/icons/pizhu.svg
sizes=(16 24 32 48 64 128 256 512)

if command -v rsvg-convert >/dev/null; then
  render() { rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio "$svg" --output "$2"; }
elif command -v convert >/dev/null; then
  render() { convert -background none -density 1200 "$svg" -resize "$1x$1" -strip "PNG32:$2"; }
else
  echo "render-icons.sh: needs rsvg-convert (librsvg2-bin) or ImageMagick" >&2
  exit 1
fi

for n in "${sizes[@]}"; do
  out="assets/icons/hicolor/${n}x${n}/apps/pizhu.png"
  mkdir -p "$(dirname "$out")"
  render "$n" "$out"
done
echo "rendered ${#sizes[@]} sizes from $svg"
