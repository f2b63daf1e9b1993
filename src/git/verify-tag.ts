/**
 * `git verify-tag` against --keyring only: gpg runs in a temporary home holding
 * those keys (see gpg.ts), enabled for this one command; everywhere else
 * cuckoo points gpg.program at /dev/null.
 */
import { parseStatus, withKeyring } from '../gpg.js';
import type { SignatureInfo } from '../report/report.js';
import { git } from './run.js';
import type { RepoHandle } from './types.js';

export async function verifyTag(repo: RepoHandle, refName: string, keyring: string | undefined, cacheDir: string): Promise<SignatureInfo> {
  return withKeyring(cacheDir, keyring, async (home) => {
    const { stderr } = await git({ gitDir: repo.gitDir }, ['verify-tag', '--raw', '--end-of-options', refName], {
      config: { 'gpg.program': 'gpg', 'gpg.openpgp.program': 'gpg', 'gpg.format': 'openpgp' },
      env: { GNUPGHOME: home },
      okExitCodes: [1, 128],
    });
    const base = { source: refName, ...(keyring !== undefined ? { keyring } : {}) };
    if (!stderr.includes('[GNUPG:]')) return { ...base, status: 'unsigned', inKeyring: false };
    const parsed = parseStatus(stderr);
    const who = { ...(parsed.fingerprint ? { fingerprint: parsed.fingerprint } : {}), ...(parsed.signer ? { signer: parsed.signer } : {}) };
    if (keyring === undefined && parsed.status !== 'error') return { ...base, status: 'unverified', inKeyring: false, ...who };
    return { ...base, status: parsed.status, inKeyring: parsed.status === 'good' || parsed.status === 'bad', ...who, ...(parsed.detail ? { detail: parsed.detail } : {}) };
  });
}
