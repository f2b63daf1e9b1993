// verify on a tar release against tag v1.0 of a repository made in a temp folder: the
// end-to-end check the archive and rule tests share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify, type VerifyOptions } from '../../src/commands/verify.js';
import type { Report } from '../../src/report/report.js';
import { buildTar, writeTemp, type TarItem } from './archives.js';
import { makeRepo, removeTempDirs, type FileSpec } from './repo.js';

/** Each finding as `path category severity`. */
export const summary = (r: Report) => r.findings.map((f) => `${f.path} ${f.category} ${f.severity}`);

/**
 * `check(files, release)`: the report of `release` (paths under `proj-1.0/`)
 * against tag v1.0 of a repository of `files`, host knowledge off, one cache
 * folder for the test file's runs (`cacheDir`, and `folder()` names a temp
 * folder for a release made otherwise); `cleanup` for its `test.after`.
 */
export function releaseChecker(label: string, options: Partial<VerifyOptions> = {}) {
  const cacheDir = mkdtempSync(join(tmpdir(), `cuckoo-${label}-cache-`));
  let counter = 0;
  /** A new temp folder name for one release. */
  const folder = () => `${label}-${counter++}`;
  return {
    cacheDir,
    folder,
    async check(files: Record<string, FileSpec>, release: TarItem[]): Promise<Report> {
      const repo = await makeRepo({ files, tags: ['v1.0'] });
      const path = await writeTemp(`${folder()}/proj-1.0.tar`, buildTar(release));
      return verify({ release: path, repo: repo.dir, tag: 'v1.0', cacheDir, hostKnowledge: false, ...options });
    },
    async cleanup(): Promise<void> {
      await removeTempDirs();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
