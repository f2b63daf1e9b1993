#!/bin/sh
# Smoke test for hello.  $HELLO names the program under test.
set -e
: "${HELLO:=../src/hello}"
: "${srcdir:=.}"

out=$(LC_ALL=C "$HELLO")
test "$out" = "Hello, world!" || { echo "unexpected: $out"; exit 1; }

out=$(LC_ALL=C "$HELLO" Ada)
test "$out" = "Hello, Ada!" || { echo "unexpected: $out"; exit 1; }

"$HELLO" --version | grep '^hello ' >/dev/null

# The fixture is a sample input kept for future format tests; check that
# it arrived intact (magic number and size).
fixture="$srcdir/tests/files/good-1.bin"
test "$(head -c 4 "$fixture")" = "HLO1"
test "$(wc -c < "$fixture")" -gt 200
