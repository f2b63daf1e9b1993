import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Finding } from '../../src/report/finding.js';
import { buildTar, compress, readRelease, writeTemp, type TarEntrySpec } from '../helpers/archives.js';
import { root, runCuckooHere } from '../helpers/cli.js';

/**
 * The clean sample release with changes of several kinds planted in it, each
 * as an attacker would make it look ordinary; every one must be flagged high or
 * critical on its own path, and nothing else may be.
 */

const decodeChain = 'hl_f=`grep -arl "^##HELLO##$" "$srcdir"/tests 2>/dev/null | head -1`; sed 1d "$hl_f" | tr "\\t _-" " \\t-_" | gzip -dc | $SHELL';

type Plant = (files: Map<string, TarEntrySpec>) => void;

const plants: Record<string, { plant: Plant; category: string; severity: readonly string[] }> = {
  // Same name and serial as gettext's genuine lib-ld.m4, with a decoding chain added.
  'm4/lib-ld.m4': {
    plant: (files) => edit(files, 'm4/lib-ld.m4', (t) => t.replace(/\nAC_DEFUN\(/, `\nAC_CONFIG_COMMANDS([ld-paths], [${decodeChain}])\nAC_DEFUN(`)),
    category: 'm4-lookalike',
    severity: ['critical'],
  },
  // One line more in a compiled source.
  'src/hello.c': {
    plant: (files) => edit(files, 'src/hello.c', (t) => t.replace('#include <stdio.h>', '#include <stdio.h>\n#include "../tests/files/hook.h"')),
    category: 'unexplained',
    severity: ['critical'],
  },
  // A helper script nobody ships, with nothing alarming in it.
  'build-aux/relocate.sh': {
    plant: (files) => add(files, 'build-aux/relocate.sh', '#!/bin/sh\n# Relocate installed paths.\nfor f in "$@"; do cp "$f" "$f.orig"; done\n', 0o755),
    category: 'unexplained',
    severity: ['high', 'critical'],
  },
  // configure is generated, so its header still says Autoconf; the planted line gives it away.
  configure: {
    plant: (files) => edit(files, 'configure', (t) => t.replace(/\nac_unique_file=/, `\n${decodeChain}\nac_unique_file=`)),
    category: 'suspicious-build-code',
    severity: ['high', 'critical'],
  },
};

function edit(files: Map<string, TarEntrySpec>, path: string, change: (text: string) => string): void {
  const entry = files.get(`hello-1.0/${path}`);
  assert.ok(entry, `${path} is in the clean sample`);
  const before = String(entry.content);
  const after = change(before);
  assert.is.not(after, before, `${path} was changed`);
  entry.content = after;
}

function add(files: Map<string, TarEntrySpec>, path: string, content: string, mode: number): void {
  files.set(`hello-1.0/${path}`, { path: `hello-1.0/${path}`, content, mode });
}

test('changes planted in the clean release are each flagged high or critical on their own path', async () => {
  const { entries } = await readRelease(join(root, 'samples/hello-1.0.tar.gz'), { keepContent: () => true });
  const files = new Map<string, TarEntrySpec>();
  for (const e of entries) {
    if (e.type === 'directory') files.set(e.path, { path: e.path, type: 'directory' });
    else if (e.type === 'file') files.set(e.path, { path: e.path, content: e.content!, mode: e.mode });
  }
  for (const { plant } of Object.values(plants)) plant(files);
  const release = await writeTemp('planted/hello-1.0.tar.gz', await compress(buildTar([...files.values()]), 'gzip'));

  const r = await runCuckooHere(['verify', release, '--repo', join(root, 'samples/hello.bundle'), '--format', 'json', '--no-host-knowledge']);
  assert.is(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { verdict: string; findings: Finding[] };
  assert.is(report.verdict, 'fail');
  const flagged = report.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');
  for (const [path, expected] of Object.entries(plants)) {
    const finding = report.findings.find((f) => f.path === path);
    assert.ok(finding, `${path} has a finding`);
    assert.is(finding.category, expected.category, `${path}: ${finding.reasons.join('; ')}`);
    assert.ok(expected.severity.includes(finding.severity), `${path} is ${finding.severity}`);
  }
  // Nothing but the planted paths rises above medium.
  assert.equal(flagged.map((f) => f.path).sort(), Object.keys(plants).sort());
});

test.run();
