/**
 * action.yml's run script, executed as GitHub runs it: the inputs as the
 * action maps them, a fake GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
 * GITHUB_WORKSPACE and RUNNER_TEMP, on the bundled samples.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { keepReproduction, root, seedReproduction } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/repo.js';

interface ActionRun {
  code: number | null;
  stdout: string;
  summary: string;
  outputs: Record<string, string>;
  sarif?: { version: string; runs: Array<{ automationDetails?: { id: string }; results: Array<{ level: string }>; invocations?: Array<{ executionSuccessful: boolean }> }> };
}

let cacheHome: string;
let workspace: string;

test.before(async () => {
  cacheHome = await tempDir('cuckoo-action-cache-');
  // The samples' generators, re-run by another test of this run already, need not run again here.
  seedReproduction(cacheHome);
  workspace = await tempDir('cuckoo-action-ws-');
  // The workspace is the user's checkout: the samples copied in, paths relative to it.
  for (const f of ['hello-1.0.tar.gz', 'hello.bundle']) copyFileSync(join(root, 'samples', f), join(workspace, f));
  mkdirSync(join(workspace, 'tampered'));
  copyFileSync(join(root, 'samples/tampered/hello-1.0.tar.gz'), join(workspace, 'tampered/hello-1.0.tar.gz'));
});

test.after(() => {
  keepReproduction(cacheHome);
  return removeTempDirs();
});

/** The inputs as action.yml passes them (CUCKOO_*), with the action's defaults. */
async function runAction(inputs: Record<string, string>): Promise<ActionRun> {
  const temp = await tempDir('cuckoo-action-runner-');
  const summaryFile = join(temp, 'step_summary.md');
  const outputFile = join(temp, 'output');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const defaults: Record<string, string> = { release: '', repo: '', tag: '', manifest: '', 'fail-on': 'high', sarif: 'cuckoo.sarif', policy: '' };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    XDG_CACHE_HOME: cacheHome,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_ACTION_PATH: root,
    RUNNER_TEMP: temp,
  };
  for (const [name, value] of Object.entries({ ...defaults, ...inputs })) env[`CUCKOO_${name.replace(/-/g, '_').toUpperCase()}`] = value;
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn('bash', [join(root, 'scripts/action.sh')], { cwd: temp, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', () => undefined);
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out }));
  });
  const outputs = Object.fromEntries(readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const sarifPath = outputs.sarif ? join(workspace, outputs.sarif) : undefined;
  return {
    code,
    stdout,
    summary: readFileSync(summaryFile, 'utf8'),
    outputs,
    ...(sarifPath && existsSync(sarifPath) ? { sarif: JSON.parse(readFileSync(sarifPath, 'utf8')) as ActionRun['sarif'] } : {}),
  };
}

test('action.yml: a composite action whose inputs are the ones the script reads, run by scripts/action.sh', () => {
  const action = parseYaml(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: Array<{ run?: string; env?: Record<string, string> }> } };
  assert.equal(Object.keys(action.inputs).sort(), ['fail-on', 'manifest', 'merge', 'policy', 'release', 'repo', 'sarif', 'shard', 'tag']);
  assert.is(action.runs.using, 'composite');
  const step = action.runs.steps.find((s) => s.run?.includes('scripts/action.sh'))!;
  assert.ok(step, 'a step runs scripts/action.sh');
  for (const name of Object.keys(action.inputs)) {
    assert.is(step.env?.[`CUCKOO_${name.replace(/-/g, '_').toUpperCase()}`], `\${{ inputs.${name} }}`, name);
  }
  assert.is(action.inputs['fail-on']!.default, 'high');
  // The batch workflow in docs/ uses the action, with inputs it has.
  const workflow = parseYaml(readFileSync(join(root, 'docs/github-actions-batch.yml'), 'utf8')) as { jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }> };
  const uses = Object.values(workflow.jobs).flatMap((j) => j.steps).filter((s) => s.uses?.startsWith('cuckoo/cuckoo@'));
  assert.equal(uses.map((s) => Object.keys(s.with ?? {}).sort()), [['manifest', 'sarif', 'shard'], ['merge']]);
  for (const s of uses) for (const key of Object.keys(s.with ?? {})) assert.ok(key in action.inputs, key);
});

test('a clean release: exit 0, the PASS summary in the job summary, a SARIF file, the outputs', async () => {
  const r = await runAction({ release: 'hello-1.0.tar.gz', repo: 'hello.bundle', sarif: 'out/cuckoo.sarif' });
  assert.is(r.code, 0, r.stdout);
  assert.match(r.summary, /^## ✅ cuckoo: PASS · hello-1\.0\.tar\.gz against v1\.0/);
  assert.equal([r.outputs['exit-code'], r.outputs.verdict, r.outputs.sarif], ['0', 'pass', 'out/cuckoo.sarif']);
  assert.is(r.sarif?.version, '2.1.0');
  assert.equal(r.sarif!.runs[0]!.results.filter((x) => x.level === 'error'), []);
  assert.match(r.stdout, /PASS/, 'the text report goes to the log');
});

test('a tampered release: exit 1, FAIL in the summary, its findings in the SARIF file, an error annotation', async () => {
  const r = await runAction({ release: 'tampered/hello-1.0.tar.gz', repo: 'hello.bundle', tag: 'v1.0' });
  assert.is(r.code, 1, r.stdout);
  assert.match(r.summary, /cuckoo: FAIL · hello-1\.0\.tar\.gz against v1\.0/);
  assert.equal([r.outputs['exit-code'], r.outputs.verdict], ['1', 'fail']);
  assert.ok(r.sarif!.runs[0]!.results.some((x) => x.level === 'error'), 'the critical findings are SARIF errors');
  assert.match(r.stdout, /::error title=cuckoo::the release is suspicious: findings at or above high/);
  // fail-on critical still fails: the tampered sample has critical findings.
  const critical = await runAction({ release: 'tampered/hello-1.0.tar.gz', repo: 'hello.bundle', 'fail-on': 'critical' });
  assert.is(critical.code, 1);
});

test('a manifest: cuckoo batch, its summary.md in the job summary, one SARIF file with a run per entry', async () => {
  writeFileSync(join(workspace, 'releases.yaml'), '- name: clean\n  release: hello-1.0.tar.gz\n  repo: hello.bundle\n- name: tampered\n  release: tampered/hello-1.0.tar.gz\n  repo: hello.bundle\n');
  const r = await runAction({ manifest: 'releases.yaml', sarif: 'batch.sarif' });
  assert.is(r.code, 1, r.stdout);
  assert.match(r.summary, /clean/);
  assert.match(r.summary, /tampered/);
  assert.equal([r.outputs['exit-code'], r.outputs.verdict], ['1', 'fail']);
  assert.equal(r.sarif!.runs.map((run) => run.automationDetails?.id), ['cuckoo/clean/', 'cuckoo/tampered/']);
});

test('a manifest in shards, then merge: each shard checks its entries; the merge sums them up', async () => {
  const shards = [];
  for (const shard of ['1/2', '2/2']) {
    const r = await runAction({ manifest: 'releases.yaml', shard, sarif: `shard-${shard[0]}.sarif` });
    assert.ok(r.code === 0 || r.code === 1, r.stdout);
    shards.push(r);
  }
  // Between them the shards check each entry once.
  assert.equal(shards.flatMap((r) => r.sarif!.runs.map((run) => run.automationDetails?.id)).sort(), ['cuckoo/clean/', 'cuckoo/tampered/']);
  const merged = await runAction({ merge: shards.map((r) => `${r.outputs.reports}/summary.json`).join(' ') });
  assert.is(merged.code, 1, merged.stdout);
  assert.match(merged.summary, /clean/);
  assert.match(merged.summary, /tampered/);
  assert.equal([merged.outputs.verdict, merged.outputs.sarif], ['fail', undefined]);
  assert.is((await runAction({ release: 'hello-1.0.tar.gz', repo: 'hello.bundle', shard: '1/2' })).code, 2, 'shard needs a manifest');
});

test('bad inputs and unreadable releases: exit 2 with the reason in the log and the summary, and a SARIF file that says nothing was checked', async () => {
  const none = await runAction({});
  assert.is(none.code, 2);
  assert.match(none.stdout, /::error title=cuckoo::give release and repo, or a manifest/);
  assert.match(none.summary, /not run\n\ngive release and repo, or a manifest/);
  assert.is(none.sarif?.runs[0]!.invocations?.[0]?.executionSuccessful, false);
  assert.is((await runAction({ manifest: 'releases.yaml', release: 'x.tar.gz' })).code, 2);
  assert.is((await runAction({ release: 'hello-1.0.tar.gz', repo: 'hello.bundle', 'fail-on': 'severe' })).code, 2);
  const missing = await runAction({ release: 'no-such-1.0.tar.gz', repo: 'hello.bundle' });
  assert.is(missing.code, 2);
  assert.equal([missing.outputs['exit-code'], missing.outputs.verdict], ['2', 'error']);
  assert.match(missing.summary, /could not check \(exit 2\)\n\n```\ncuckoo: .*no-such-1\.0\.tar\.gz/);
  assert.match(missing.stdout, /::error title=cuckoo::.*no-such-1\.0\.tar\.gz/);
  assert.is(missing.sarif?.runs[0]!.invocations?.[0]?.executionSuccessful, false);
});

test.run();
