#!/bin/sh
# Generate configure and the Makefile.in files from a git checkout.
# Needs autoconf, automake and gettext (autopoint).
set -e
cd "$(dirname "$0")"
autoreconf --force --install --verbose
echo "Now run ./configure"
