import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyPatch, structuredPatch } from 'diff';
import { commonEnd, commonStart, cutCommonLines } from '../../src/analyze/common-lines.js';
import { boundedDiff, evidenceCut } from '../../src/analyze/evidence.js';

/** A small deterministic generator (mulberry32), so a failure names its case. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A pair of texts: `lines` lines, a few of them replaced, removed or added
 * near each other or apart; with `alphabet` set, lines are drawn from that
 * many (so they repeat), else each is unique. The last newline may be missing
 * on either side.
 */
function pair(seed: number, lines: number, alphabet?: number): [string, string] {
  const r = random(seed);
  let next = 0;
  const line = () => (alphabet ? `l${Math.floor(r() * alphabet)}` : `line ${next++}`);
  const before = Array.from({ length: lines }, line);
  const after = [...before];
  const edits = 1 + Math.floor(r() * 4);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(r() * (after.length + 1));
    const what = r();
    if (what < 0.4 && at < after.length) after[at] = line();
    else if (what < 0.7 && at < after.length) after.splice(at, 1 + Math.floor(r() * 3));
    else after.splice(at, 0, ...Array.from({ length: 1 + Math.floor(r() * 3) }, line));
  }
  const end = (l: string[]) => (l.length === 0 ? '' : `${l.join('\n')}${r() < 0.8 ? '\n' : ''}`);
  return [end(before), end(after)];
}

/** boundedDiff as it was written before the cut: structuredPatch over the whole texts. */
function wholeDiff(before: string, after: string): string {
  const patch = structuredPatch('a', 'b', before, after, '', '', { context: 3 });
  return patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]).join('\n');
}

const diffOf = (before: string, after: string) => boundedDiff(Buffer.from(before), Buffer.from(after), 'a', 'b', { maxLines: 100_000, maxEdits: 100_000 });

test('the cut keeps both texts whole: head, middle and tail rebuild them, cut at line starts', () => {
  for (let seed = 1; seed <= 400; seed++) {
    for (const keep of [0, 1, 3]) {
      const [before, after] = pair(seed, 1 + (seed % 40), seed % 2 === 0 ? 3 : undefined);
      const cut = cutCommonLines(before, after, keep);
      const head = before.slice(0, cut.headChars);
      assert.is(after.slice(0, cut.headChars), head, `seed ${seed}: head`);
      assert.is(head + cut.before + before.slice(before.length - cut.tailChars), before, `seed ${seed}: before`);
      assert.is(head + cut.after + after.slice(after.length - cut.tailChars), after, `seed ${seed}: after`);
      assert.is(before.slice(before.length - cut.tailChars), after.slice(after.length - cut.tailChars), `seed ${seed}: tail`);
      assert.is(cut.headLines, head.split('\n').length - 1, `seed ${seed}: head lines`);
      for (const [text, at] of [
        [before, cut.headChars],
        [after, cut.headChars],
        [before, before.length - cut.tailChars],
        [after, after.length - cut.tailChars],
      ] as const) {
        assert.ok(at === 0 || at === text.length || text[at - 1] === '\n', `seed ${seed}: cut at ${at} inside a line`);
      }
    }
  }
});

test('the common start and end are those a character at a time finds, around every block boundary', () => {
  const naiveStart = (a: string, b: string, limit: number) => {
    let n = 0;
    while (n < limit && a[n] === b[n]) n++;
    return n;
  };
  const naiveEnd = (a: string, b: string, limit: number) => {
    let n = 0;
    while (n < limit && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
    return n;
  };
  const r = random(7);
  const base = Array.from({ length: 5000 }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
  for (const at of [0, 1, 1023, 1024, 1025, 2047, 2048, 3071, 4999]) {
    for (const edit of ['replace', 'insert', 'delete'] as const) {
      const other = edit === 'replace' ? `${base.slice(0, at)}\u2013${base.slice(at + 1)}` : edit === 'insert' ? `${base.slice(0, at)}\u2013${base.slice(at)}` : `${base.slice(0, at)}${base.slice(at + 1)}`;
      for (const [a, b] of [[base, other], [other, base]] as const) {
        const limit = Math.min(a.length, b.length);
        assert.is(commonStart(a, b, limit), naiveStart(a, b, limit), `start, ${edit} at ${at}`);
        assert.is(commonEnd(a, b, limit), naiveEnd(a, b, limit), `end, ${edit} at ${at}`);
        assert.is(commonEnd(a, b, 1500), naiveEnd(a, b, 1500), `end within 1500, ${edit} at ${at}`);
      }
    }
  }
  assert.is(commonStart(base, base, base.length), base.length);
  assert.is(commonEnd(base, base, 2500), 2500);
});

test('the kept context stays: a cut leaves `keep` common lines beside the changes', () => {
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
  const before = `${lines.join('\n')}\n`;
  const after = before.replace('line 10\n', 'changed\n');
  assert.equal(cutCommonLines(before, after, 3), {
    headChars: before.indexOf('line 7\n'),
    headLines: 7,
    tailChars: before.length - before.indexOf('line 14\n'),
    before: 'line 7\nline 8\nline 9\nline 10\nline 11\nline 12\nline 13\n',
    after: 'line 7\nline 8\nline 9\nchanged\nline 11\nline 12\nline 13\n',
  });
  // Fewer common lines than kept: nothing is cut on that side.
  const first = cutCommonLines('a\nb\nc\n', 'x\nb\nc\n', 3);
  assert.is(first.headChars, 0);
  assert.is(first.tailChars, 0);
  // A common end that starts inside a line is cut after that line.
  assert.equal(cutCommonLines('a\nB\n', 'aB\n'), { headChars: 0, headLines: 0, tailChars: 0, before: 'a\nB\n', after: 'aB\n' });
  assert.equal(cutCommonLines('x1\ny\n', 'x2\ny\n'), { headChars: 0, headLines: 0, tailChars: 2, before: 'x1\n', after: 'x2\n' });
  // An empty first line is a line like any other.
  assert.is(cutCommonLines('\n\nq\n', '\n\nr\n', 1).headChars, 1);
  assert.is(cutCommonLines('\nA\n', 'B\nA\n').headChars, 0);
  assert.is(cutCommonLines('\nA\n', 'B\nA\n').tailChars, 2);
  // A missing last newline is a difference in the last line.
  assert.equal(cutCommonLines('a\nb', 'a\nb\n'), { headChars: 2, headLines: 1, tailChars: 0, before: 'b', after: 'b\n' });
});

test('evidence diffs are those of the whole texts where lines do not repeat', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const [before, after] = pair(seed, 1 + (seed % 60));
    if (before === after) continue;
    assert.is(diffOf(before, after).diff, wholeDiff(before, after), `seed ${seed}`);
  }
});

test('a block inserted after a line it ends with keeps its context (libtool 2.4.7 ltmain.sh against Debian-2.4.7-5)', () => {
  const body = ['  case $version_type in', '  irix)', '    revision=$number_minor', '    ;;'];
  const rest = ['  esac', '  ;;', 'no)', '  current=$1', '  ;;', 'esac', '', 'exit 0'];
  const before = `${[...body, ...rest].join('\n')}\n`;
  const after = `${[...body, '  *)', '    func_fatal_configuration "unknown library version type"', '    ;;', ...rest].join('\n')}\n`;
  const evidence = diffOf(before, after);
  assert.is(evidence.diff, wholeDiff(before, after));
  assert.match(evidence.diff!, /\n {3}esac\n {3};;\n no\)$/);
  // Far from both ends, with a change above it (the version line, in libtool's
  // file), the cut texts alone give that diff: the end keeps the lines the block moves into.
  const far = (version: string, lines: string[]) =>
    `${[...Array.from({ length: 30 }, (_, i) => (i === 5 ? version : `head ${i}`)), ...lines, ...Array.from({ length: 30 }, (_, i) => `tail ${i}`)].join('\n')}\n`;
  const [farBefore, farAfter] = [far('VERSION=2.4.7', [...body, ...rest]), far('VERSION="2.4.7 Debian-2.4.7-5"', [...body, '  *)', '    fatal', '    ;;', ...rest])];
  const cut = evidenceCut(farBefore, farAfter);
  assert.ok(cut.headChars > 0 && cut.tailChars > 0, 'both ends cut');
  const trailing = structuredPatch('a', 'b', cut.before, cut.after, '', '', { context: 3 }).hunks.at(-1)!.lines.slice(-3);
  assert.equal(trailing, ['   esac', '   ;;', ' no)']);
  assert.is(diffOf(farBefore, farAfter).diff, wholeDiff(farBefore, farAfter));
});

/** Lines of `text`, as a diff counts them. */
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

test('evidence diffs rebuild the release from the tag where lines repeat', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const [before, after] = pair(seed, 1 + (seed % 60), 2 + (seed % 3));
    if (before === after) continue;
    const evidence = diffOf(before, after);
    const applied = applyPatch(before, `--- a\n+++ b\n${evidence.diff}\n`);
    assert.is(applied, after, `seed ${seed}`);
    // The same count of changed lines as over the whole texts (both diffs are minimal).
    const whole = wholeDiff(before, after).split('\n');
    assert.is(evidence.added, whole.filter((l) => l.startsWith('+')).length, `seed ${seed}: added`);
    assert.is(evidence.removed, whole.filter((l) => l.startsWith('-')).length, `seed ${seed}: removed`);
    // Three lines of context around the changes, or as many as there are up to the file's edge.
    const hunks = evidence.diff!.split(/^(?=@@ )/m);
    const [, oldStart, oldLines] = /^@@ -(\d+),(\d+)/.exec(hunks.at(-1)!)!;
    const lead = hunks[0]!.split('\n').slice(1).findIndex((l) => !l.startsWith(' '));
    const trail = hunks.at(-1)!.trimEnd().split('\n').reverse().findIndex((l) => !l.startsWith(' ') && !l.startsWith('\\'));
    const firstStart = Number(/^@@ -(\d+)/.exec(hunks[0]!)![1]);
    assert.ok(lead >= 3 || firstStart === 1, `seed ${seed}: leading context ${lead}`);
    assert.ok(trail >= 3 || Number(oldStart) + Number(oldLines) - 1 === lineCount(before), `seed ${seed}: trailing context ${trail}`);
  }
});

test.run();
