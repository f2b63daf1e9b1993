/**
 * The detached OpenPGP signature of a release: --signature FILE|URL|auto
 * (`auto` looks for `.asc`, `.sig` and `.sign` next to the release, the names
 * projects publish), checked with gpg against --keyring only (see gpg.ts).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CuckooError } from '../errors.js';
import { gpg, parseStatus, withKeyring } from '../gpg.js';
import { isUrl, type HttpOptions } from './http-get.js';
import { fetchSmall } from './small-file.js';

export interface SignatureCheck {
  /** The signature file or URL that was checked. */
  source: string;
  /** good, bad, unknown-key (signed by a key not in the keyring), unverified (no --keyring), error. */
  status: 'good' | 'bad' | 'unknown-key' | 'unverified' | 'error';
  fingerprint?: string;
  signer?: string;
  /** True when the signing key is one of --keyring. */
  inKeyring: boolean;
  keyring?: string;
  detail?: string;
}

const autoSuffixes = ['.asc', '.sig', '.sign'];

/** The signature's bytes and where they came from; undefined for `auto` when none is published. */
export async function findSignature(spec: string, release: string, http: HttpOptions): Promise<{ source: string; bytes: Buffer } | undefined> {
  if (spec !== 'auto') return { source: spec, bytes: await load(spec, http) };
  for (const suffix of autoSuffixes) {
    const candidate = isUrl(release) ? withSuffix(release, suffix) : `${release}${suffix}`;
    try {
      if (!isUrl(candidate) && !(await stat(candidate).then((s) => s.isFile(), () => false))) continue;
      return { source: candidate, bytes: await load(candidate, http) };
    } catch (err) {
      // Not published under this name: try the next one.
      if (err instanceof CuckooError && /HTTP 40[34]/.test(err.message)) continue;
      throw err;
    }
  }
  return undefined;
}

function withSuffix(url: string, suffix: string): string {
  const u = new URL(url);
  u.pathname += suffix;
  return u.toString();
}

async function load(spec: string, http: HttpOptions): Promise<Buffer> {
  if (isUrl(spec)) return fetchSmall(spec, http);
  try {
    return await readFile(spec);
  } catch (err) {
    throw new CuckooError('input', `--signature ${spec}: cannot read the file`, { hint: 'check the path, or pass --signature auto', cause: err });
  }
}

/** Checks `signature` over the file at `data`. Without a keyring the issuer is named but nothing is verified. */
export async function checkSignature(
  data: string,
  signature: { source: string; bytes: Buffer },
  keyring: string | undefined,
  cacheDir: string,
): Promise<SignatureCheck> {
  return withKeyring(cacheDir, keyring, async (home) => {
    const sigPath = join(home, 'release.sig');
    await writeFile(sigPath, signature.bytes);
    const { stdout } = await gpg(home, ['--verify', sigPath, data]);
    const parsed = parseStatus(stdout);
    const base = { source: signature.source, ...(keyring !== undefined ? { keyring } : {}) };
    const who = { ...(parsed.fingerprint ? { fingerprint: parsed.fingerprint } : {}), ...(parsed.signer ? { signer: parsed.signer } : {}) };
    if (keyring === undefined && parsed.status !== 'error') return { ...base, status: 'unverified', inKeyring: false, ...who };
    return { ...base, status: parsed.status, inKeyring: parsed.status === 'good' || parsed.status === 'bad', ...who, ...(parsed.detail ? { detail: parsed.detail } : {}) };
  });
}
