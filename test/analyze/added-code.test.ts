import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addedCode, classifyLine, lineDistance, lineDistanceFromBytes } from '../../src/analyze/added-code.js';

const kind = (line: string) => classifyLine(line).kind;

test('classifyLine: comments, data assignments and punctuation are inert', () => {
  assert.is(kind('# Add ABI-specific directories to the system library path.'), 'comment');
  assert.is(kind('dnl a note'), 'comment');
  assert.is(kind('sys_lib_dlsearch_path_spec="/lib64 /usr/lib64 /lib /usr/lib"'), 'assignment');
  assert.is(kind('sys_lib_dlsearch_path_spec="$sys_lib_dlsearch_path_spec $lt_ld_extra"'), 'assignment');
  assert.is(kind("_LT_TAGVAR(hardcode_direct, $1)=no"), 'assignment');
  assert.is(kind('a=1 b=\'two words\'; c='), 'assignment');
  for (const p of ['fi', ';;', 'esac', '])', '[', 'else', '} ;;']) assert.is(kind(p), 'structure', p);
});

test('classifyLine: commands, branches, definitions and command substitutions add code', () => {
  assert.equal(classifyLine('rm -rf "$srcdir"'), { kind: 'command', why: 'runs `rm`' });
  assert.is(kind('if test -f /etc/ld.so.conf; then'), 'command');
  assert.is(kind('AC_SUBST([USE_NLS])'), 'command');
  assert.is(kind('FOO=bar make install'), 'command');
  assert.equal(classifyLine('CFLAGS="-O2" \\'), { kind: 'command', why: 'sets variables for the command on the next line' });
  assert.is(kind('netbsd* | netbsdelf*-gnu)'), 'branch');
  assert.is(kind('AC_DEFUN([X], [:])'), 'definition');
  assert.is(kind("m4_define([gl_x], [y])"), 'definition');
  assert.match(classifyLine('x=`sed -n 1p tests/a`').why!, 'command substitution');
  assert.match(classifyLine('x="$(cat tests/a)"').why!, 'command substitution');
  // Variables that choose a program or hold commands are commands however plain their value.
  assert.match(classifyLine("_LT_TAGVAR(archive_cmds, $1)='$CC -shared'").why!, 'sets archive_cmds, which names a program');
  assert.is(kind('CONFIG_SHELL=/tmp/sh'), 'command');
  assert.is(kind('LD_PRELOAD=libx.so'), 'command');
  // libtool.m4 copies comments into the libtool script through an unquoted here-document, where `…` runs.
  assert.is(kind('# Libtool was configured on host `(hostname || uname -n) 2>/dev/null | sed 1q`:'), 'command');
});

test('addedCode: only lines the genuine file lacks, classified, with their signals', () => {
  const genuine = 'AC_DEFUN([A],\n[\n  x=1\n  echo hi\n])\n';
  const release = 'AC_DEFUN([A],\n[\n  x=1\n  # note\n  y="two"\n  echo hi\n  gzip -dc t | sh\n])\n';
  const found = addedCode('m4/a.m4', genuine, release);
  assert.equal(found.lines.map((l) => [l.line, l.kind]), [[4, 'comment'], [5, 'assignment'], [7, 'command']]);
  assert.equal(found.code.map((l) => l.line), [7]);
  assert.ok(found.signals.every((h) => h.line === 7) && found.signals.some((h) => h.signal === 'decode-to-shell'));
  assert.is(lineDistance(genuine, release), 3);
  assert.is(lineDistance(genuine, genuine), 0);
});

test('lineDistanceFromBytes counts as lineDistance does on the latin1 texts: every byte String.trim removes, and no other', () => {
  // Lines from a few pieces: the bytes trim removes (tab, LF, VT, FF, CR, space, no-break space),
  // bytes it keeps (NEL, NUL, letters, high bytes), empty and repeated lines, CRLF, no final newline.
  const pieces = ['\t', ' ', '\v', '\f', '\r', '\xa0', '\x85', '\0', 'a', 'b', 'echo x', '\xe9', '\xff', ''];
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  const line = () => Array.from({ length: Math.floor(next() * 4) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
  const text = () => Array.from({ length: Math.floor(next() * 12) }, line).join(next() < 0.2 ? '\r\n' : '\n') + (next() < 0.5 ? '\n' : '');
  for (let round = 0; round < 400; round++) {
    const release = text();
    const distanceTo = lineDistanceFromBytes(Buffer.from(release, 'latin1'));
    for (let k = 0; k < 3; k++) {
      const genuine = next() < 0.3 ? release.replace(/a/g, 'b') : text();
      assert.is(distanceTo(Buffer.from(genuine, 'latin1')), lineDistance(genuine, release), `round ${round}: ${JSON.stringify(genuine)} against ${JSON.stringify(release)}`);
    }
  }
});

test('lineDistanceFromBytes with a limit: the distance itself up to the limit, past it a number over the limit and at most the distance', () => {
  let seed = 3;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  const words = ['fi', 'done', 'x=1', 'echo a', 'echo b', '', '  then', 'esac'];
  const text = () => Array.from({ length: 1 + Math.floor(next() * 30) }, () => words[Math.floor(next() * words.length)]! + (next() < 0.3 ? ` ${Math.floor(next() * 9)}` : '')).join('\n');
  let cut = 0;
  for (let round = 0; round < 400; round++) {
    const release = text();
    const distanceTo = lineDistanceFromBytes(Buffer.from(release, 'latin1'));
    const genuine = text();
    const distance = lineDistance(genuine, release);
    for (const limit of [-1, 0, 1, Math.floor(distance / 2), distance - 1, distance, distance + 1, Infinity]) {
      const bounded = distanceTo(Buffer.from(genuine, 'latin1'), limit);
      if (distance <= limit) assert.is(bounded, distance, `round ${round}, limit ${limit}`);
      else {
        assert.ok(bounded > limit && bounded <= distance, `round ${round}, limit ${limit}: ${bounded} for ${distance}`);
        if (bounded < distance) cut++;
      }
    }
  }
  // The point of the limit: most counts past it stop short of the whole distance.
  assert.ok(cut > 400, `${cut} counts stopped short`);
});

test('lineDistanceFromBytes: two different lines with one hash are still two lines', () => {
  // Two lines of one length whose 32-bit FNV-1a hashes are equal (found by search).
  const [one, two] = ['line 009rnw', 'line 00apba'];
  const bytes = (s: string) => Buffer.from(s, 'latin1');
  assert.is(lineDistanceFromBytes(bytes(`x\n${one}\n`))(bytes(`x\n${two}\n`)), 2);
  assert.is(lineDistanceFromBytes(bytes(`${one}\n${two}\n`))(bytes(`${one}\n`)), 1);
  assert.is(lineDistanceFromBytes(bytes(`${one}\n`))(bytes(`${two}\n${one}\n`)), 1);
  assert.is(lineDistanceFromBytes(bytes(`${one}\n${two}\n`))(bytes(`${two}\n${one}\n`)), 0);
});

test('addedCode: a case pattern that only narrows the genuine one in its place adds no path; a wider or moved one does', () => {
  // Debian's libtool.m4 2.4.6-15 against Ubuntu's 2.4.6-14, which lacks the macOS 11 patch.
  const genuine = [
    'case ${MACOSX_DEPLOYMENT_TARGET-10.0},$host in',
    '\t10.0,*86*-darwin8*|10.0,*-darwin[[912]]*)',
    "\t  x='dynamic' ;;",
    '\t10.*|11.*)',
    "\t  x='dynamic' ;;",
    'esac',
    'case $host_os in',
    '  linux*)',
    '    y=1 ;;',
    'esac',
    '',
  ].join('\n');
  const narrowed = genuine.replace('darwin[[912]]*', 'darwin[[91]]*').replace('10.*|11.*)', '10.*)');
  let found = addedCode('m4/libtool.m4', genuine, narrowed);
  assert.equal(found.lines.map((l) => [l.line, l.kind]), [[2, 'narrowed'], [4, 'narrowed']]);
  assert.match(found.lines[1]!.why!, 'narrows the genuine case pattern `10.* | 11.*)`');
  assert.equal(found.code, []);
  // Widening matches hosts the genuine macro never sent there.
  found = addedCode('m4/libtool.m4', genuine, genuine.replace('10.*|11.*)', '10.*|11.*|12.*)'));
  assert.equal(found.code.map((l) => l.kind), ['branch']);
  found = addedCode('m4/libtool.m4', genuine, genuine.replace('darwin[[912]]*', 'darwin[[9123]]*'));
  assert.equal(found.code.map((l) => l.kind), ['branch']);
  // A range is never compared, even where it looks narrower.
  found = addedCode('m4/libtool.m4', genuine.replace('[[912]]', '[[0-9]]'), genuine.replace('[[912]]', '[[1-2]]'));
  assert.equal(found.code.map((l) => l.kind), ['branch']);
  // The narrower pattern moved into another case statement is a new path there.
  found = addedCode('m4/libtool.m4', genuine, genuine.replace('\t10.*|11.*)\n', '\t11.*)\n').replace('  linux*)', '  linux*)\n  10.*)'));
  assert.ok(found.code.some((l) => l.text === '10.*)' && l.kind === 'branch'), JSON.stringify(found.lines));
});

test.run();
