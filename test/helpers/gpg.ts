/**
 * OpenPGP keys made inside the test: a temporary GNUPGHOME per key, an
 * ed25519 signing key without passphrase, its armoured public key as the
 * keyring file cuckoo is given. stopAgents() ends the gpg-agents they started.
 */
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './repo.js';

export interface TestKey {
  home: string;
  fingerprint: string;
  /** The armoured public key file. */
  keyring: string;
  /** gpg's clock for this key (`--faked-system-time`), for keys made and used in the past. */
  clock?: string;
}

const homes: string[] = [];

async function gpg(home: string, args: string[], input?: string | Buffer): Promise<string> {
  const result = await execa('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
    env: { GNUPGHOME: home, LC_ALL: 'C' },
    ...(input === undefined ? {} : { input }),
  });
  return String(result.stdout);
}

/**
 * A signing key; with `expired`, one made in 2020 that expired after a year,
 * whose signatures are made in 2020 too: a good signature by a key that has
 * expired since, as an older release's signature is.
 */
export async function makeKey(name = 'Test Signer', options: { expired?: boolean } = {}): Promise<TestKey> {
  const home = await tempDir('cuckoo-gpg-');
  homes.push(home);
  const clock = options.expired ? ['--faked-system-time', '20200101T000000!'] : [];
  await gpg(home, [...clock, '--quick-gen-key', `${name} <signer@example.org>`, 'ed25519', 'sign', options.expired ? '1y' : 'never']);
  const listing = await gpg(home, ['--with-colons', '--list-keys']);
  const fingerprint = listing.split('\n').find((l) => l.startsWith('fpr:'))!.split(':')[9]!;
  const keyring = join(home, 'signing-key.asc');
  await writeFile(keyring, await gpg(home, ['--armor', '--export', fingerprint]));
  return { home, fingerprint, keyring, ...(options.expired ? { clock: '20200601T000000!' } : {}) };
}

/** An armoured detached signature of `data`. */
export async function detachSign(key: TestKey, data: Buffer): Promise<Buffer> {
  const file = join(key.home, `data-${Date.now()}-${Math.random()}`);
  await writeFile(file, data);
  await gpg(key.home, [...(key.clock ? ['--faked-system-time', key.clock] : []), '--armor', '--detach-sign', '--output', `${file}.asc`, file]);
  const { readFile } = await import('node:fs/promises');
  return readFile(`${file}.asc`);
}

export async function stopAgents(): Promise<void> {
  await Promise.all(homes.map((home) => execa('gpgconf', ['--homedir', home, '--kill', 'all'], { reject: false, env: { GNUPGHOME: home } })));
  homes.length = 0;
}
