import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verify } from '../../src/commands/verify.js';
import type { Report } from '../../src/report/report.js';
import { buildTar, writeTemp } from '../helpers/archives.js';
import { assertValidReport } from '../helpers/schema.js';
import { makeRepo, removeTempDirs } from '../helpers/repo.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'cuckoo-history-cache-'));
test.after(async () => {
  await removeTempDirs();
  rmSync(cacheDir, { recursive: true, force: true });
});

const summary = (r: Report) => r.findings.map((f) => `${f.change} ${f.path} ${f.category} ${f.severity}`);

test("files whose content is a blob of the tag's history name that commit; an old version of a tracked file stays high", async () => {
  const repo = await makeRepo({
    commits: [
      { files: { 'src/main.c': 'int main(void) { return 0; }\n', 'doc/old-notes.txt': 'notes\n', 'tools/gen.sh': '#!/bin/sh\necho gen\n' } },
      { files: { 'src/main.c': 'int main(void) { return check(); }\n', 'doc/old-notes.txt': null, 'tools/gen.sh': null }, tags: [{ name: 'v1.0', annotated: true }] },
    ],
  });
  const tar = buildTar([
    { path: 'proj-1.0/', type: 'directory' },
    // The release ships the version before the fix, and two files git removed before the tag.
    { path: 'proj-1.0/src/main.c', content: 'int main(void) { return 0; }\n' },
    { path: 'proj-1.0/doc/old-notes.txt', content: 'notes\n' },
    { path: 'proj-1.0/tools/gen.sh', content: '#!/bin/sh\necho gen\n', mode: 0o755 },
  ]);
  const r = await verify({ cacheDir, release: await writeTemp('history/proj-1.0.tar', tar), repo: repo.dir, tag: 'v1.0' });
  assert.equal(summary(r), [
    'only-in-release doc/old-notes.txt from-history low',
    'modified src/main.c from-history high',
    'only-in-release tools/gen.sh from-history medium',
  ]);
  const main = r.findings.find((f) => f.path === 'src/main.c')!;
  assert.equal(main.evidence.matches, [{ source: 'history', path: 'src/main.c', blobId: await repo.hashObject('int main(void) { return 0; }\n'), commit: repo.commits[0]! }]);
  assert.match(main.reasons[0]!, `the release has the content of this path at commit ${repo.commits[0]!.slice(0, 12)} in the tag's history`);
  assert.match(main.evidence.diff!, '-int main(void) { return check(); }\n+int main(void) { return 0; }');
  assert.match(r.findings[0]!.reasons[0]!, 'removed from git before the tag');
  assertValidReport(r);
});

test.run();
