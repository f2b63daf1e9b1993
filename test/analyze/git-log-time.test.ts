import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gitLogTime } from '../../src/analyze/rules/git-log-time.js';
import type { HistoryLookup } from '../../src/analyze/history.js';
import { added, context } from './generated-context.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '../../src/commands/verify.js';
import { buildTar, writeTemp } from '../helpers/archives.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-git-log-time-cache-'));
test.after(async () => {
  await removeTempDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

// gpgme 1.18.0's doc/Makefile.am: defsincdate holds the time git gives the manual's last commit.
const makefileAm = `info_TEXINFOS = gpgme.texi
gpgme_TEXINFOS = uiserver.texi lesser.texi gpl.texi

defsincdate: $(gpgme_TEXINFOS)
\t: >defsincdate ; \\
\tif test -e $(top_srcdir)/.git; then \\
\t  (cd $(srcdir) && git log -1 --format='%ct' -- \\
             $(info_TEXINFOS) $(gpgme_TEXINFOS) 2>/dev/null) >>defsincdate; \\
\tfi
`;

/** A context whose history gives `time` for the manual's files, and records what it was asked. */
function setup(am: string, time: number | null = 1651071437) {
  const asked: string[][] = [];
  const ctx = context({ 'doc/Makefile.am': am });
  ctx.history = { lastChangeTime: async (paths: readonly string[]) => (asked.push([...paths]), time ?? undefined) } as unknown as HistoryLookup;
  return { ctx, asked };
}

test('a file a Makefile.am rule writes with git log -1 --format=%ct is explained when it holds that time of the files the rule names (gpgme 1.18.0)', async () => {
  const { ctx, asked } = setup(makefileAm);
  const j = await gitLogTime.judge(added('doc/defsincdate', '1651071437\n'), ctx);
  assert.is(j?.category, 'version-stamp');
  assert.is(j?.severity, 'low');
  assert.equal(asked, [['doc/gpgme.texi', 'doc/uiserver.texi', 'doc/lesser.texi', 'doc/gpl.texi']]);
  assert.is(j!.reasons[0], 'the committer time of the last commit the tag reaches that changed doc/gpgme.texi, doc/uiserver.texi, doc/lesser.texi, doc/gpl.texi (2022-04-27), as git gives it here');
  assert.is(j!.reasons[1], 'the rule of doc/Makefile.am:4 in the tag writes it with `git log -1 --format=%ct`: nothing else is in the file');
});

test('another time, more than the number, no such rule, a rule that writes elsewhere or names no plain file: not explained', async () => {
  const judge = (am: string, content: string, time?: number | null) => gitLogTime.judge(added('doc/defsincdate', content), setup(am, time).ctx);
  assert.is(await judge(makefileAm, '1651071437\n', 1651071438), undefined);
  assert.is(await judge(makefileAm, '1651071437\n', null), undefined);
  assert.is(await judge(makefileAm, '1651071437\necho hi\n'), undefined);
  assert.is(await judge(makefileAm, 'Wed Apr 27 2022\n'), undefined);
  assert.is(await judge(makefileAm.replace('defsincdate:', 'other:'), '1651071437\n'), undefined);
  assert.is(await judge(makefileAm.replace('>>defsincdate', '>>other'), '1651071437\n'), undefined);
  assert.is(await judge(makefileAm.replace('--format=\'%ct\'', '--format=\'%at\''), '1651071437\n'), undefined);
  assert.is(await judge(makefileAm.replace('gpgme.texi\n', '*.texi\n'), '1651071437\n'), undefined);
});

test('end to end: the release file holds the time git gives the tag manual commit', async () => {
  const files = { 'doc/Makefile.am': makefileAm, 'doc/gpgme.texi': 'manual\n', 'doc/uiserver.texi': 'a\n', 'doc/lesser.texi': 'b\n', 'doc/gpl.texi': 'c\n' };
  // makeRepo dates its first commit 1,700,000,000.
  const repo = await makeRepo({ files, commits: [{ files: { README: 'later\n' }, tags: ['v1.0'] }] });
  const release = async (time: string) => {
    const items = [...Object.entries(files).map(([p, content]) => ({ path: `proj-1.0/${p}`, content })), { path: 'proj-1.0/README', content: 'later\n' }, { path: 'proj-1.0/doc/defsincdate', content: time }];
    const path = await writeTemp(`git-log-time-${time.trim()}/proj-1.0.tar`, buildTar(items));
    return verify({ release: path, repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false, reproduce: false });
  };
  const stamped = (await release('1700000000\n')).findings.find((f) => f.path === 'doc/defsincdate');
  assert.is(`${stamped?.category} ${stamped?.severity}`, 'version-stamp low');
  const other = (await release('1700086400\n')).findings.find((f) => f.path === 'doc/defsincdate');
  assert.is(other?.category, 'unexplained');
});

test.run();
