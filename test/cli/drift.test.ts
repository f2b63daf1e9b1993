import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Log } from 'sarif';
import type { Report } from '../../src/report/report.js';
import { cuckooHelp, runCuckooHere } from '../helpers/cli.js';
import { makeDriftSample, type DriftSample } from '../helpers/drift-sample.js';
import { removeTempDirs } from '../helpers/repo.js';
import { assertValidReport } from '../helpers/schema.js';

let sample: DriftSample;
const verify = (...extra: string[]) => runCuckooHere(['verify', sample.release, '--repo', sample.repo.dir, '--no-host-knowledge', ...extra]);

test.before(async () => {
  sample = await makeDriftSample('cli-drift');
});
test.after(() => removeTempDirs());

test('the text report ends with a short "Since" section that fits the terminal', async () => {
  const r = await verify('--previous', sample.previous);
  assert.is(r.code, 1, r.stderr);
  const section = r.stdout.slice(r.stdout.indexOf('Since proj-1.0.tar (tag v1.0)'));
  assert.ok(section.startsWith('Since proj-1.0.tar (tag v1.0) → '), r.stdout);
  assert.match(section, /1 critical · 1 low · 2 info/);
  assert.match(section, /✗ m4\/extra\.m4 {2}newly release-only · critical/);
  assert.match(section, /release-only file changed, explained \(1\): configure\n/);
  assert.match(section, /generator version changed \(1\): autoconf 2\.71 → 2\.72 \(configure\)/);
  assert.match(section, /binary file changed in git \(1\): tests\/files\/data\.bin \(modified\)/);
  assert.not.match(section, /Makefile\.in/);
  for (const line of r.stdout.split('\n')) assert.ok(line.length <= 100, line);
});

test('json, sarif, markdown and html carry the drift; json matches the schema', async () => {
  const json = await verify('--previous', sample.previous, '--previous-tag', 'v1.0', '--format', 'json');
  const report = JSON.parse(json.stdout) as Report;
  assertValidReport(report);
  assert.is(report.drift?.previousTag.inferredFrom, undefined);
  assert.is(report.drift?.items.length, 4);

  const sarif = JSON.parse((await verify('--previous', sample.previous, '--format', 'sarif')).stdout) as Log;
  const run = sarif.runs[0]!;
  const drift = run.results!.filter((x) => x.ruleId?.startsWith('drift/'));
  assert.equal(drift.map((x) => `${x.ruleId} ${x.level} ${x.locations?.[0]?.physicalLocation?.artifactLocation?.uri}`), ['drift/newly-release-only error m4/extra.m4']);
  assert.is(run.tool.driver.rules![drift[0]!.ruleIndex!]!.id, 'drift/newly-release-only');

  const md = (await verify('--previous', sample.previous, '--format', 'markdown')).stdout;
  assert.match(md, /### Since proj-1\.0\.tar \(tag v1\.0\)/);
  assert.match(md, /#### 🟥 m4\/extra\.m4/);
  assert.match(md, /\| autoconf 2\.71 → 2\.72 \(configure\) \| Generator version changed \| info \|/);

  const page = (await verify('--previous', sample.previous, '--format', 'html')).stdout;
  const section = page.slice(page.indexOf('<section id="drift">'));
  assert.match(section, /<h2>Since proj-1\.0\.tar \(tag v1\.0\)<\/h2>/);
  assert.match(section, /<details class="finding sev-critical" id="CD[0-9a-f]{12}" open><summary><span class="badge sev-critical">critical<\/span> <span class="path">m4\/extra\.m4<\/span>/);
  // The filters of the findings section leave the drift items alone.
  assert.match(page, /querySelectorAll\('#findings \.finding'\)/);
});

/** One line on stderr naming the flag, exit 2. */
async function flagError(args: string[], pattern: RegExp) {
  const r = await verify(...args);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

test('an unreadable previous release, or a previous tag not found or not inferable, is a one-line error naming the flag, exit 2', async () => {
  await flagError(['--previous', '/nonexistent/proj-1.0.tar'], /^cuckoo: --previous: \/nonexistent\/proj-1\.0\.tar: no such file/);
  await flagError(['--previous', sample.release.replace('proj-1.1.tar', 'junk-1.0.tar')], /^cuckoo: --previous: /);
  await flagError(['--previous', sample.previous, '--previous-tag', 'v0.5'], /^cuckoo: --previous-tag: tag v0\.5 not found .*pass --previous-tag with one of them\)$/);
  const renamed = sample.previous.replace('proj-1.0.tar', 'proj-0.7.tar');
  const { copyFile } = await import('node:fs/promises');
  await copyFile(sample.previous, renamed);
  await flagError(['--previous', renamed], /^cuckoo: --previous-tag: no tag for proj 0\.7 .*pass --previous-tag\)$/);
  await flagError(['--previous-tag', 'v1.0'], /^cuckoo: --previous-tag: no --previous release/);
});

test('--help explains the drift flags with an example', async () => {
  const r = await cuckooHelp(['verify']);
  assert.match(r.stdout, /--previous\s+the previous release/);
  assert.match(r.stdout, /--previous-tag\s+the tag of the previous release/);
  assert.match(r.stdout, /cuckoo verify xz-5\.6\.0\.tar\.gz --repo ~\/src\/xz --previous xz-5\.4\.6\.tar\.gz/);
});

test.run();
