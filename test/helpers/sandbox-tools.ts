/**
 * Whether the tests that run generators can: bubblewrap starts here, and
 * autoconf 2.71 and automake 1.16.5 (the versions the samples were made
 * with, and .ci/run installs) are found. Locally a missing one skips those
 * tests with a line saying so; in CI it fails them.
 */
import { findSandbox } from '../../src/reproduce/sandbox.js';
import { findTool, isFound } from '../../src/reproduce/tools.js';

export async function generatorsReady(cacheDir: string, what: string): Promise<boolean> {
  const sandbox = await findSandbox('bwrap');
  const autoconf = await findTool('autoconf', '2.71', cacheDir);
  const automake = await findTool('automake', '1.16.5', cacheDir);
  const missing = [sandbox.kind === 'unavailable' ? sandbox.reason : '', isFound(autoconf) ? '' : 'autoconf 2.71', isFound(automake) ? '' : 'automake 1.16.5'].filter(Boolean);
  if (missing.length === 0) return true;
  if (process.env.CI) throw new Error(`${what} tests need ${missing.join(', ')} (.ci/run installs them)`);
  console.log(`skipping ${what} tests: missing ${missing.join(', ')}`);
  return false;
}
