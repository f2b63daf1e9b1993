import { hostPackagePrefix } from './library.js';
import type { KnownFile } from './types.js';
import { describeVariant } from './variant.js';

/**
 * Where a known file comes from, for reasons: `automake 1.16.5 (Debian)`,
 * `gettext 0.19.8`, `the copy installed in /usr/share/aclocal`,
 * `libtool 2.4.7 as patched by PLD Linux libtool-2.4.7-10 (libtool-libdirs.patch)`.
 */
export function describeOrigin(file: KnownFile): string {
  const { package: pkg, version } = file.origin;
  if (pkg.startsWith(hostPackagePrefix)) return `the copy installed in ${pkg.slice(hostPackagePrefix.length)}`;
  // Debian versions carry an epoch ("1:") and a packaging revision ("-1.3");
  // the upstream version is what a reader compares with.
  const debian = /^(?:\d+:)?(.+?)(?:-[^-]+)?$/.exec(version);
  const isDebian = /-[^-]+$/.test(version);
  const upstream = isDebian && debian ? debian[1] : version.replace(/^\d+:/, '');
  return `${pkg} ${upstream}${isDebian ? ' (Debian)' : ''}${file.variant ? ` ${describeVariant(file.variant)}` : ''}`;
}

/** `install-sh`, `nls.m4 serial 6`. */
export function describeName(file: KnownFile): string {
  return `${file.name}${file.serial !== undefined ? ` serial ${file.serial}` : ''}`;
}

/** `install-sh of automake 1.16.5 (Debian)`, `nls.m4 serial 6 installed at /usr/share/aclocal/nls.m4`. */
export function describeKnown(file: KnownFile): string {
  const what = describeName(file);
  return file.origin.package.startsWith(hostPackagePrefix) ? `${what} installed at ${file.path}` : `${what} of ${describeOrigin(file)}`;
}

/**
 * The order reasons name known files in: releases of the tools first, then
 * distributions' patched copies of them, then snapshots of their histories
 * (version `YYYYMMDD`, the commit's date), then host copies (a tool and
 * version say more than a folder); then by package, newest first.
 */
export function byPreference(a: KnownFile, b: KnownFile): number {
  const { packages, versions } = collators();
  return rank(a) - rank(b) || packages.compare(a.origin.package, b.origin.package) || versions.compare(b.origin.version, a.origin.version);
}

/**
 * `files` sorted by byPreference, after `first` when given (lower first):
 * the same order, with each distinct package and version compared once, not
 * each pair of files. A name or content shared by hundreds of known files
 * (a common m4 macro, a licence) otherwise took a collator call per
 * comparison, milliseconds a file.
 */
export function sortedByPreference(files: readonly KnownFile[], first?: (file: KnownFile) => number): KnownFile[] {
  const { packages, versions } = collators();
  const packageRank = ranks(files.map((f) => f.origin.package), packages);
  const versionRank = ranks(files.map((f) => f.origin.version), versions);
  return files
    .map((file) => ({ file, first: first?.(file) ?? 0, rank: rank(file), pkg: packageRank.get(file.origin.package)!, version: versionRank.get(file.origin.version)! }))
    .sort((a, b) => a.first - b.first || a.rank - b.rank || a.pkg - b.pkg || b.version - a.version)
    .map((k) => k.file);
}

/** Each distinct value's place in the collator's order; values it finds equal share one. */
function ranks(values: string[], collator: Intl.Collator): Map<string, number> {
  const distinct = [...new Set(values)].sort(collator.compare);
  const out = new Map<string, number>();
  let place = 0;
  distinct.forEach((v, i) => {
    if (i > 0 && collator.compare(distinct[i - 1]!, v) !== 0) place++;
    out.set(v, place);
  });
  return out;
}

const collators = () => (orders ??= { packages: new Intl.Collator(), versions: new Intl.Collator('en', { numeric: true }) });

const rank = (f: KnownFile) => (f.origin.package.startsWith(hostPackagePrefix) ? 3 : /^\d{8}$/.test(f.origin.version) ? 2 : f.variant ? 1 : 0);

// The orders of `localeCompare(other)` and `localeCompare(other, 'en', { numeric: true })`,
// made once: localeCompare makes a collator at every call, which made sorting
// a name's few hundred known versions cost tens of milliseconds. Made at the
// first sort, not when the module loads: the first collator of a process
// takes about 12 ms (ICU's data), which `--help` and a run that sorts no
// known file need not pay.
let orders: { packages: Intl.Collator; versions: Intl.Collator } | undefined;
