import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyze } from '../../src/analyze/analyze.js';
import { tagReadAhead } from '../../src/analyze/read-ahead.js';
import type { AnalysisContext, Rule } from '../../src/analyze/rule.js';
import type { Change } from '../../src/compare/change.js';
import type { TagEntry } from '../../src/git/types.js';
import { buildSignals } from '../../src/analyze/rules/build-signals.js';
import { versionStamp } from '../../src/analyze/rules/version-stamp.js';
import { added, modified, tagFile } from './generated-context.js';

/** A read function that counts, answering each entry's path as its content. */
function counted(fail: (entry: TagEntry) => boolean = () => false) {
  const asked: string[] = [];
  const read = async (entry: TagEntry) => {
    asked.push(entry.path);
    if (fail(entry)) throw new Error(`cannot read ${entry.path}`);
    return Buffer.from(entry.path);
  };
  return { asked, read };
}

const sized = (path: string, size: number): Change => ({ ...modified(path, 'x'), tag: tagFile(path, size) });

test('the modified files are read a few changes ahead, each once while it is held, and dropped behind', async () => {
  const changes = Array.from({ length: 10 }, (_, i) => modified(`f${i}`, 'release'));
  const { asked, read } = counted();
  const ahead = tagReadAhead(changes, read, { files: 3, bytes: 1 << 20 });
  ahead.judging(0);
  assert.equal(asked, ['f0', 'f1', 'f2', 'f3'], 'the one judged and three ahead');
  // Two rules asking for the judged file get the one read.
  assert.is((await ahead.content(changes[0]!.tag!)).toString(), 'f0');
  assert.is((await ahead.content(changes[0]!.tag!)).toString(), 'f0');
  assert.is(ahead.reads, 4);
  ahead.judging(1);
  assert.equal(asked.slice(4), ['f4'], 'one more as the analysis moves on');
  // f0 is behind now: asked again, it is read again, not kept.
  assert.is((await ahead.content(changes[0]!.tag!)).toString(), 'f0');
  assert.is(ahead.reads, 6);
  // A tag file that is not a modified file's (a rule's source) is read when asked.
  assert.is((await ahead.content(tagFile('Makefile.am'))).toString(), 'Makefile.am');
  assert.is(ahead.reads, 7);
  // Jumping ahead drops what lies behind and reads what lies ahead.
  ahead.judging(8);
  assert.equal(asked.slice(7), ['f8', 'f9']);
  assert.is(ahead.reads, 9);
});

test('what is not held is read on the other lane: a read a rule asks for out of turn does not queue behind the files read ahead', async () => {
  const changes = Array.from({ length: 4 }, (_, i) => modified(`f${i}`, 'release'));
  const lane = counted();
  const now = counted();
  const ahead = tagReadAhead(changes, lane.read, { files: 3, bytes: 1 << 20 }, now.read);
  ahead.judging(0);
  assert.equal(lane.asked, ['f0', 'f1', 'f2', 'f3']);
  assert.is((await ahead.content(changes[1]!.tag!)).toString(), 'f1');
  assert.is((await ahead.content(tagFile('build-aux/git-version-gen'))).toString(), 'build-aux/git-version-gen');
  assert.equal(now.asked, ['build-aux/git-version-gen'], 'only the file not held');
  assert.equal(lane.asked, ['f0', 'f1', 'f2', 'f3'], 'nothing more read ahead');
  assert.is(ahead.reads, 5);
});

test('analyze reads ahead through tagContentAhead where the context has it, and the rest through tagContent', async () => {
  const changes = [modified('src/a.sh', 'echo a\n'), modified('src/b.sh', 'echo b\n')];
  const lane = counted();
  const now = counted();
  const ctx: AnalysisContext = {
    tagByPath: new Map(changes.map((c) => [c.path, c.tag!])),
    tagByOid: new Map(changes.map((c) => [c.tag!.oid, [c.tag!]])),
    submodules: [],
    tagContent: now.read,
    tagContentAhead: lane.read,
    releaseContent: async (e) => e.content,
  };
  const asks: Rule = {
    name: 'asks',
    changes: ['modified'],
    async judge(c, cx) {
      await cx.tagContent(c.tag!);
      await cx.tagContent(tagFile('configure.ac'));
      return undefined;
    },
  };
  await analyze(changes, ctx, { rules: [asks] });
  assert.equal(lane.asked, ['src/a.sh', 'src/b.sh']);
  assert.equal(now.asked, ['configure.ac', 'configure.ac']);
});

test('the bytes held ahead are bounded; the file judged is read whatever its size', () => {
  const changes = [sized('big', 5_000), sized('a', 400), sized('b', 400), sized('c', 400), added('new', 'x'), sized('d', 100)];
  const { asked, read } = counted();
  const ahead = tagReadAhead(changes, read, { files: 10, bytes: 1_000 });
  ahead.judging(0);
  assert.equal(asked, ['big'], 'nothing fits beside the big file');
  ahead.judging(1);
  assert.equal(asked.slice(1), ['a', 'b'], 'two of 400 fit in 1000, the third does not');
  ahead.judging(2);
  assert.equal(asked.slice(3), ['c', 'd'], 'a release-only change in between is skipped');
});

test('a read ahead that fails ends nothing unless its file is asked for, and then says why', async () => {
  const changes = Array.from({ length: 4 }, (_, i) => modified(`f${i}`, 'release'));
  const { read } = counted((e) => e.path === 'f2');
  const ahead = tagReadAhead(changes, read, { files: 3, bytes: 1 << 20 });
  ahead.judging(0);
  // Let the rejection settle: an unhandled one would end this process.
  await new Promise((resolve) => setTimeout(resolve, 20));
  ahead.judging(2);
  try {
    await ahead.content(changes[2]!.tag!);
    assert.unreachable('the failed read is the caller\'s error');
  } catch (err) {
    assert.match(String(err), 'cannot read f2');
  }
});

test('analyze reads each modified file of the tag once for all its rules, and gives the context back as it was', async () => {
  // Headers the build compiles: the signal scan and the version-stamp rule both read the tag's side.
  const header = (version: string, stamp: string) => `#define LIBCURL_VERSION "${version}"\n#define LIBCURL_TIMESTAMP "${stamp}"\n`;
  const paths = Array.from({ length: 12 }, (_, i) => `include/curl/ver${String(i).padStart(2, '0')}.h`);
  const changes = paths.map((p) => modified(p, header('7.88.1', '2023-02-20')));
  const reads: string[] = [];
  const tagContent = async (e: TagEntry) => {
    reads.push(e.path);
    return Buffer.from(header('7.88.1-DEV', '[unreleased]'));
  };
  const ctx: AnalysisContext = {
    tagByPath: new Map(changes.map((c) => [c.path, c.tag!])),
    tagByOid: new Map(changes.map((c) => [c.tag!.oid, [c.tag!]])),
    submodules: [],
    tagContent,
    releaseContent: async (e) => e.content,
    releaseVersion: '7.88.1',
  };
  const findings = await analyze(changes, ctx);
  assert.equal(
    findings.map((f) => f.category),
    paths.map(() => 'version-stamp'),
    'the rules saw the tag content',
  );
  assert.equal([...reads].sort(), paths, 'each file read once');
  assert.is(ctx.tagContent, tagContent, 'the context is given back');
  // Asked by the two rules themselves, each file is read twice.
  reads.length = 0;
  for (const c of changes) {
    await buildSignals.judge(c, ctx);
    await versionStamp.judge(c, ctx);
  }
  assert.is(reads.length, 2 * paths.length);
});

test.run();
