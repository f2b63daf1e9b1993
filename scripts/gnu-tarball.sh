#!/usr/bin/env bash
# Usage: scripts/gnu-tarball.sh TOOL VERSION DESTDIR
#
# Puts GNU's release tarball of TOOL VERSION (autoconf 2.69, automake 1.16.5)
# into DESTDIR under GNU's own name (autoconf-2.69.tar.xz), for the tests that
# serve it from 127.0.0.1 to `cuckoo tools install`. It comes from Debian's
# source package, whose .orig tarball is GNU's file unchanged, through apt (so
# no GNU mirror is needed, and apt checks it against the signed archive). The
# test checks it against the sha256 pinned in src/reproduce/gnu-releases.ts.
# As root, a deb-src line is added when apt has none.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 TOOL VERSION DESTDIR   (e.g. $0 autoconf 2.69 test/.cache/gnu)" >&2
  exit 2
fi
tool=$1 version=$2 dest=$3

# Debian's source package for each version: the current one has the plain name,
# older ones a versioned name (autoconf2.69, automake-1.16 for 1.16.x).
case "$tool-$version" in
  autoconf-2.69) package=autoconf2.69 ;;
  autoconf-*) package=autoconf ;;
  automake-*) package=automake-$(echo "$version" | cut -d. -f1,2) ;;
  *) echo "$0: unknown tool $tool (autoconf or automake)" >&2; exit 2 ;;
esac

have_sources() {
  apt-get source --download-only --print-uris "$package" >/dev/null 2>&1
}

if ! have_sources; then
  if [ "$(id -u)" != 0 ]; then
    echo "$0: apt has no source package $package (add a deb-src line to the apt sources and run apt-get update, as root)" >&2
    exit 1
  fi
  if ! grep -qs -e '^deb-src ' -e '^Types:.*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
    # The same mirror and suites as the binary packages (deb822 or one-line format).
    if grep -qs '^Types:.*deb' /etc/apt/sources.list.d/*.sources; then
      src=/etc/apt/sources.list.d/cuckoo-deb-src.sources
      awk 'BEGIN{RS=""; ORS="\n\n"} /(^|\n)Types:[^\n]*deb($|[ \n])/ {sub(/Types:[^\n]*/, "Types: deb-src"); print}' /etc/apt/sources.list.d/*.sources > "$src"
    else
      src=/etc/apt/sources.list.d/cuckoo-deb-src.list
      grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed 's/^deb /deb-src /' > "$src"
    fi
    echo "added $src"
  fi
  # Sources configured but never fetched (a fresh container) need the update too.
  apt-get update -qq
  have_sources || { echo "$0: no source package $package in the apt sources, even with deb-src" >&2; exit 1; }
fi

mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt drops privileges to _apt for downloads; it needs to write the folder.
chmod 0777 "$work"
(cd "$work" && apt-get source --download-only -qq "$package" >/dev/null 2>&1 || true)
orig=$(ls "$work"/*_"$version".orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -n 1 || true)
if [ -z "$orig" ]; then
  echo "$0: Debian's $package source package has no $version .orig tarball (it has: $(ls "$work" | tr '\n' ' '))" >&2
  exit 1
fi
name="$tool-$version.tar.${orig##*.orig.tar.}"
mv "$orig" "$dest/$name"
echo "$dest/$name"
