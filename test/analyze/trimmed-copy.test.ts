import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cutFrom, trimmedCopy } from '../../src/analyze/rules/trimmed-copy.js';
import { context, relFile, tagFile } from './generated-context.js';

const readme = 'Status\n======\n\nlibffi-3.4.4 was released on October 23, 2022.\n\nWhat is libffi?\n';
const released = '\nlibffi-3.4.4 was released on October 23, 2022.\n\nWhat is libffi?\n';
// libffi 3.4.4's dist-hook.
const makefileAm = "dist-hook:\n\ts=`awk '/was released on/{ print NR; exit}' $(top_srcdir)/README.md`; tail -n +$$(($$s-1)) $(top_srcdir)/README.md > $(distdir)/README.md\n";

const modified = (path: string, tag: string, release: string) => ({ kind: 'modified' as const, path, tag: tagFile(path, tag.length), release: relFile(path, release) });
const ctx = (files: Record<string, string>) => context(files);

test('cutFrom: whole lines from one end, nothing else', () => {
  assert.equal(cutFrom(readme, released), { from: 'start', lines: 2 });
  assert.equal(cutFrom('a\nb\nc\n', 'a\nb\n'), { from: 'end', lines: 1 });
  assert.equal(cutFrom('a\nb\nc\n', 'a\n'), { from: 'end', lines: 2 });
  assert.is(cutFrom('a\nb\nc\n', 'b\nc\nd\n'), undefined);
  assert.is(cutFrom('abc\ndef\n', 'c\ndef\n'), undefined);
  assert.is(cutFrom('a\nb\n', 'a\nb\n'), undefined);
  assert.is(cutFrom('a\nb\n', ''), undefined);
});

test("the tag's file cut by its own dist-hook is explained, naming the line that cuts it", async () => {
  const j = await trimmedCopy.judge(modified('README.md', readme, released), ctx({ 'README.md': readme, 'Makefile.am': makefileAm }));
  assert.is(j?.category, 'trimmed-copy');
  assert.is(j?.severity, 'low');
  assert.match(j!.reasons[0]!, "the tag's README.md without its first 2 lines");
  assert.match(j!.reasons[1]!, 'Makefile.am in the tag cuts it when making the release: `` s=`awk');
});

test('no cutting rule in the tag, a line added, or a file the build runs: not this', async () => {
  assert.is(await trimmedCopy.judge(modified('README.md', readme, released), ctx({ 'README.md': readme, 'Makefile.am': 'all:\n' })), undefined);
  assert.is(await trimmedCopy.judge(modified('README.md', readme, `${released}Run ./x.sh\n`), ctx({ 'README.md': readme, 'Makefile.am': makefileAm })), undefined);
  const script = '#!/bin/sh\ncheck_signature || exit 1\nmake install\n';
  const am = 'dist-hook:\n\ttail -n +3 configure.sh > $(distdir)/configure.sh\n';
  assert.is(await trimmedCopy.judge(modified('configure.sh', script, 'make install\n'), ctx({ 'configure.sh': script, 'Makefile.am': am })), undefined);
});

test.run();
