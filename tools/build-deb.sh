#!/usr/bin/env bash
# Build a Debian package of Pizhu: target/debian/pizhu_<version>_<arch>.deb.
#
#   tools/build-deb.sh                  # builds the release binary first (cargo build --release)
#   tools/build-deb.sh --binary PATH    # packages this binary instead (the tests use the debug one)
#   tools/build-deb.sh --out DIR        # writes the .deb into DIR instead of target/debian
#   tools/build-deb.sh --fast           # compresses with gzip -1 instead of xz (the tests)
#
# It installs /usr/bin/pizhu, the desktop entry, the icon (hicolor PNGs and the SVG), the
# AppStream metainfo, a copyright file and a changelog. Depends: what dpkg-shlibdeps finds the
# binary linked against, plus the libraries the window loads at run time with dlopen (OpenGL
# through EGL/GLX, X11 and xkbcommon, D-Bus for the file dialogs), which no tool can see.
# Needs dpkg-deb (and uses dpkg-shlibdeps and strip when present); root is not needed.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)

binary=""
out_dir="$root_dir/target/debian"
compression=(-Zxz)
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --out) out_dir=$2; shift 2 ;;
    --fast) compression=(-Zgzip -z1); shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-deb.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "build-deb.sh: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || die "dpkg-deb is needed (Debian: dpkg)"

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || die "no version in Cargo.toml"
arch=$(dpkg --print-architecture)

# Who built it: DEBFULLNAME/DEBEMAIL as for dch, else git's user.
maintainer_name=${DEBFULLNAME:-$(git config user.name 2>/dev/null || echo "Pizhu authors")}
maintainer_email=${DEBEMAIL:-$(git config user.email 2>/dev/null || echo "pizhu@localhost")}
maintainer="$maintainer_name <$maintainer_email>"

if [ -z "$binary" ]; then
  cargo build --release --locked --bin pizhu
  binary="$root_dir/target/release/pizhu"
fi
[ -f "$binary" ] && [ -x "$binary" ] || die "not an executable file: $binary"

mkdir -p "$out_dir" "$root_dir/target/debian"
stage=$(mktemp -d "$root_dir/target/debian/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
pkg="$stage/pkg"
umask 022

# Files.
install -Dm755 "$binary" "$pkg/usr/bin/pizhu"
if command -v strip >/dev/null; then
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/pizhu"
fi
install -Dm644 assets/pizhu.1 "$pkg/usr/share/man/man1/pizhu.1"
gzip -9n "$pkg/usr/share/man/man1/pizhu.1"
install -Dm644 assets/pizhu.desktop "$pkg/usr/share/applications/pizhu.desktop"
install -Dm644 assets/pizhu.metainfo.xml "$pkg/usr/share/metainfo/pizhu.metainfo.xml"
install -Dm644 assets/icons/pizhu.svg "$pkg/usr/share/icons/hicolor/scalable/apps/pizhu.svg"
for png in assets/icons/hicolor/*/apps/pizhu.png; do
  install -Dm644 "$png" "$pkg/usr/share/${png#assets/}"
done

doc="$pkg/usr/share/doc/pizhu"
install -d "$doc"
cat > "$doc/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: pizhu
Comment: Built from the Pizhu repository by tools/build-deb.sh.

Files: *
Copyright: 2026 The Pizhu authors
License: MIT or Apache-2.0

Files: usr/bin/pizhu
Copyright: 2026 The Pizhu authors
 2014-2022 Adobe (Noto Serif CJK SC, Noto Sans CJK SC)
License: (MIT or Apache-2.0) and OFL-1.1
Comment: The binary carries subsets of Noto Serif CJK SC and Noto Sans CJK SC (fonts/ in the
 repository) under the SIL Open Font License 1.1, and Rust crates under their own
 permissive licences (MIT, Apache-2.0, BSD, Zlib, Unicode).

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy of this
 software and associated documentation files (the "Software"), to deal in the Software
 without restriction, including without limitation the rights to use, copy, modify, merge,
 publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
 to whom the Software is furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in all copies or
 substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
 INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
 PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
 FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
 OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
 DEALINGS IN THE SOFTWARE.

License: Apache-2.0
 On Debian systems, the full text of the Apache License, Version 2.0 is in
 /usr/share/common-licenses/Apache-2.0.

COPYRIGHT
# The font licence in full (fonts/OFL.txt), as a copyright file's paragraph.
{
  echo
  echo "License: OFL-1.1"
  sed -e 's/[[:space:]]*$//' -e 's/^$/./' -e 's/^/ /' fonts/OFL.txt
} >> "$doc/copyright"
changelog_date=$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
printf 'pizhu (%s) unstable; urgency=medium\n\n  * Built from the repository by tools/build-deb.sh.\n\n -- %s  %s\n' \
  "$version" "$maintainer" "$changelog_date" | gzip -9n > "$doc/changelog.gz"
chmod 644 "$doc/changelog.gz"

# Dependencies: the linked libraries, then what is loaded at run time.
dlopened="libegl1, libgl1, libx11-6, libx11-xcb1, libxcursor1, libxi6, libxrandr2, libxkbcommon0, libxkbcommon-x11-0, libdbus-1-3"
linked=""
if command -v dpkg-shlibdeps >/dev/null; then
  # dpkg-shlibdeps wants a source package around the binary.
  mkdir -p "$stage/src/debian"
  printf 'Source: pizhu\n\nPackage: pizhu\nArchitecture: any\n' > "$stage/src/debian/control"
  linked=$(cd "$stage/src" && dpkg-shlibdeps -O "$pkg/usr/bin/pizhu" 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p')
fi
depends=${linked:+$linked, }$dlopened

installed_size=$(du -sk --apparent-size "$pkg/usr" | cut -f1)
install -d "$pkg/DEBIAN"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: pizhu
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends
Recommends: libgl1-mesa-dri, libwayland-client0, libwayland-cursor0, libwayland-egl1, xdg-desktop-portal-gtk | xdg-desktop-portal-backend
Section: text
Priority: optional
Description: reader and annotation tool for speeches, reports and official documents
 Pizhu (批注) opens the files official documents (公文), speeches and
 work reports arrive in: plain text in any Chinese encoding, Markdown,
 Word .docx and .doc, WPS, PDF with a text layer, OFD, saved web pages
 and EPUB. It strips advertising and web residue, finds the real outline
 including the inline points inside paragraphs, and keeps highlights,
 notes and tags beside each document, in a library and a notebook
 searchable across all of them.
 .
 Exports to Markdown, text, HTML, CSV, JSON and Word documents with
 comments; a command line does the same without a window.
CONTROL
(cd "$pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
chmod 644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums"

# The same files give the same package: every time is the last commit's.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
find "$pkg" -exec touch -h -d "@$epoch" {} +
deb="$out_dir/pizhu_${version}_${arch}.deb"
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group "${compression[@]}" --build "$pkg" "$deb" >/dev/null
echo "$deb"
