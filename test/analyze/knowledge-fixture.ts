/**
 * A small known-good library for tests: an index file and a fake host folder
 * in a temp dir, so no test depends on what the machine has installed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile } from '../../src/analyze/knowledge/hash.js';
import type { AnalysisContext } from '../../src/analyze/rule.js';
import type { KnownFile } from '../../src/analyze/knowledge/types.js';
import { knownFacts } from '../../src/analyze/knowledge/facts.js';
import type { ReleaseEntry } from '../../src/release/entry.js';

export const installSh = '#!/bin/sh\n# install - install a program, script, or datafile\nscriptversion=2020-11-14.01; # UTC\necho install\n';
export const nls6 = '# nls.m4 serial 6 (gettext-0.20.2)\ndnl Copyright (C) 1995-2020 Free Software Foundation, Inc.\nAC_DEFUN([AM_NLS],\n[\n  AC_MSG_CHECKING([whether NLS is requested])\n  USE_NLS=$enable_nls\n  AC_SUBST([USE_NLS])\n])\n';
export const buildToHost3 = '# build-to-host.m4 serial 3\ndnl Copyright (C) 2023 Free Software Foundation, Inc.\nAC_DEFUN([gl_BUILD_TO_HOST],\n[\n  gl_final_[$1]="$[$1]"\n])\n';

export const known = (name: string, content: string, origin: KnownFile['origin']): KnownFile => ({
  name,
  path: `/usr/share/x/${name}`,
  ...knownFacts(name, Buffer.from(content), origin),
  origin,
});

export interface Fixture {
  dir: string;
  indexPath: string;
  hostDir: string;
  cleanup(): void;
}

/** Index: install-sh of automake 1.16.5, nls.m4 serial 6 and build-to-host.m4 serial 3. Host: nls.m4 serial 6. */
export function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'cuckoo-knowledge-test-'));
  const indexPath = join(dir, 'index.json');
  const files = [
    known('install-sh', installSh, { package: 'automake', version: '1:1.16.5-1.3' }),
    known('nls.m4', nls6, { package: 'gettext', version: '0.21-12' }),
    known('build-to-host.m4', buildToHost3, { package: 'gnulib', version: '20230209+stable-1' }),
  ];
  writeFileSync(indexPath, `{"format":"cuckoo.knowledge/v1","files":[\n${files.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`);
  const hostDir = join(dir, 'aclocal');
  mkdirSync(join(hostDir, 'sub'), { recursive: true });
  writeFileSync(join(hostDir, 'nls.m4'), nls6);
  writeFileSync(join(hostDir, 'README'), 'not tracked\n');
  writeFileSync(join(hostDir, 'sub', 'ltmain.sh'), '# ltmain.sh (GNU libtool) 2.4.7\n');
  return { dir, indexPath, hostDir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const releaseFile = (path: string, content: string): ReleaseEntry => {
  const h = hashFile(Buffer.from(content));
  return { path, type: 'file', mode: 0o644, size: h.size, blobId: h.blobId, sha256: h.sha256, content: Buffer.from(content), index: 0 };
};

export function context(knowledge: AnalysisContext['knowledge']): AnalysisContext {
  return {
    tagByPath: new Map(),
    tagByOid: new Map(),
    submodules: [],
    tagContent: async () => Buffer.alloc(0),
    releaseContent: async (e) => e.content,
    knowledge,
  };
}
