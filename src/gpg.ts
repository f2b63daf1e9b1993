/**
 * OpenPGP checks with the system's gpg, always in a temporary home made for
 * one check inside cuckoo's cache folder, holding only the keys of --keyring:
 * the user's own keyring and trust settings never take part, and nothing of
 * theirs is changed. The home is removed afterwards.
 */
import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { makeScratchDir } from './cache.js';
import { CuckooError } from './errors.js';

export interface SignatureStatus {
  /** good: valid and made by a key of the keyring; bad: does not match the data; unknown-key: made by a key not in the keyring. */
  status: 'good' | 'bad' | 'unknown-key' | 'error';
  /** The signing key's fingerprint (VALIDSIG, or the issuer of ERRSIG). */
  fingerprint?: string;
  /** The user id gpg reports for a known key. */
  signer?: string;
  /** gpg's own words when it could not check. */
  detail?: string;
}

/** Reads gpg's machine-readable status lines (gnupg doc/DETAILS, "Format of the status FD output"). */
export function parseStatus(text: string): SignatureStatus {
  const lines = text.split('\n').filter((l) => l.startsWith('[GNUPG:] ')).map((l) => l.slice(9).split(' '));
  const get = (kw: string) => lines.find((l) => l[0] === kw);
  const bad = get('BADSIG');
  if (bad) return { status: 'bad', ...(bad[1] ? { fingerprint: bad[1] } : {}), signer: bad.slice(2).join(' ') };
  const valid = get('VALIDSIG');
  const good = get('GOODSIG');
  if (valid && good) return { status: 'good', fingerprint: valid[10] ?? valid[1]!, signer: good.slice(2).join(' ') };
  // A valid signature whose key has expired since (EXPKEYSIG): normal for an
  // older release, whose signature was made while the key was valid. gpg
  // writes EXPKEYSIG instead of GOODSIG then, with VALIDSIG as usual.
  const expiredKey = get('EXPKEYSIG');
  if (valid && expiredKey) {
    return { status: 'good', fingerprint: valid[10] ?? valid[1]!, signer: expiredKey.slice(2).join(' '), detail: 'the key has expired since' };
  }
  // The signature's own expiry passed, or the key was revoked: it matches the
  // data, but the signer no longer vouches for it; a person must look.
  const expiredSig = get('EXPSIG');
  const revoked = get('REVKEYSIG');
  if (valid && (expiredSig || revoked)) {
    return {
      status: 'error',
      fingerprint: valid[10] ?? valid[1]!,
      signer: (expiredSig ?? revoked)!.slice(2).join(' '),
      detail: revoked ? 'the signing key has been revoked' : 'the signature has expired',
    };
  }
  const err = get('ERRSIG');
  if (err) {
    // Field 8 (gpg 2.2.7+) is the issuer's fingerprint; the key id otherwise.
    const fpr = err[7] && err[7] !== '-' ? err[7] : err[1];
    const rc = err[6];
    return rc === '9' || get('NO_PUBKEY')
      ? { status: 'unknown-key', ...(fpr ? { fingerprint: fpr } : {}) }
      : { status: 'error', ...(fpr ? { fingerprint: fpr } : {}), detail: `gpg error code ${rc ?? '?'}` };
  }
  return { status: 'error', detail: 'gpg found no signature' };
}

/** Runs `use` with a temporary gpg home holding the keys of `keyring` (none when undefined). */
export async function withKeyring<T>(cacheDir: string, keyring: string | undefined, use: (home: string) => Promise<T>): Promise<T> {
  const home = await makeScratchDir(cacheDir, 'gpg-');
  try {
    if (keyring !== undefined) {
      const imported = await gpg(home, ['--import', keyring]);
      if (imported.exitCode !== 0 || !/IMPORT_OK/.test(imported.stdout)) {
        throw new CuckooError('input', `--keyring ${keyring}: no OpenPGP key could be read from it`, { hint: 'pass an armoured public key file, such as debian/upstream/signing-key.asc' });
      }
    }
    return await use(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** gpg in `home`, non-interactive, status lines on stdout. */
export async function gpg(home: string, args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa('gpg', ['--homedir', home, '--batch', '--no-tty', '--no-autostart', '--trust-model', 'always', '--status-fd', '1', ...args], {
    reject: false,
    stdin: 'ignore',
    env: { LC_ALL: 'C', GNUPGHOME: home },
  });
  if (result.exitCode === undefined) {
    throw new CuckooError('tool', 'gpg was not found or could not run', { hint: 'install gpg (Debian: apt-get install gpg) to check signatures' });
  }
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}
