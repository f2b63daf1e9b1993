/**
 * What the packaging recipes of distributions (Debian source packages, RPM
 * spec files, Arch .SRCINFO files) give cuckoo batch: manifest entries for
 * the packages whose recipe names every part, and for the others one line
 * each saying what to add where.
 */
import { basename, relative, resolve } from 'node:path';
import { yaml } from '../yaml.js';

export interface RecipeEntry {
  name: string;
  release: string;
  repo: string;
  /** The tag the upstream version was found as among the repository's tags. */
  tag?: string;
  /** Where upstream publishes the release, as a record only: the release itself is `release`. */
  upstream?: string;
  sha256?: string;
  /** A file, a URL, or `auto`. */
  signature?: string;
  /** Absolute path of the trusted keys. */
  keyring?: string;
  /** Absolute path of debian/cuckoo.json, the packagers' policy for this project. */
  policy?: string;
  /**
   * Set with `policy`: it was found, not named, so verify refuses it when the
   * release or the tag carries the same bytes (an upstream that ships debian/
   * must not supply its own waivers).
   */
  policyFound?: 'from-debian';
}

export interface Incomplete {
  /** The recipe as given: a package folder, a spec file, a .SRCINFO file. */
  dir: string;
  /** What to add where, one phrase each. */
  missing: string[];
}

export interface RecipeResult {
  entries: RecipeEntry[];
  incomplete: Incomplete[];
}

/** The entries as a YAML manifest; local paths relative to `manifestDir`; incomplete recipes as comments. */
export function renderManifestYaml(result: RecipeResult, manifestDir: string = process.cwd(), madeBy = '--from-debian'): string {
  const head = result.incomplete.map((m) => `# ${basename(resolve(m.dir))}: not listed, missing ${m.missing.join('; ')}\n`).join('');
  const near = (file: string) => (file.startsWith('/') ? relative(manifestDir, file) || '.' : file);
  const entries = result.entries.map((e) => ({
    ...e,
    ...(e.release.startsWith('/') ? { release: near(e.release) } : {}),
    ...(e.signature?.startsWith('/') ? { signature: near(e.signature) } : {}),
    ...(e.keyring ? { keyring: near(e.keyring) } : {}),
    ...(e.policy ? { policy: near(e.policy) } : {}),
  }));
  return `# made by cuckoo batch ${madeBy}\n${head}${entries.length ? yaml().stringify(entries, { lineWidth: 0 }) : '[]\n'}`;
}
