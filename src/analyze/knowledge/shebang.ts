import { createHash } from 'node:crypto';

/**
 * rpm's brp-mangle-shebangs (Fedora's redhat-rpm-config, so Fedora, CentOS,
 * RHEL and their derivatives) rewrites the interpreter line of every
 * executable file a package installs: `#! /bin/sh` becomes `#!/usr/bin/sh`,
 * `#!/usr/bin/env perl` becomes `#!/usr/bin/perl`. config.guess and
 * config.sub installed by such a package, and copied into a release by
 * autoreconf, differ from the genuine files in that line alone.
 *
 * Given a release file whose first line is `#!/usr/bin/NAME ARGS`, these are
 * the first lines the genuine file may have had: the same program under /bin
 * or through env, with or without a space after `#!`. Nothing else is undone,
 * so the program a shebang names can never change.
 */
export interface Unmangled {
  /** The release file's interpreter line. */
  mangled: string;
  /** An interpreter line it may have been rewritten from. */
  original: string;
  /** Git blob id (sha1) of the file with that line. */
  blobId: string;
}

/** Interpreter lines up to the program's name that brp-mangle-shebangs turns into `#!/usr/bin/NAME`. */
const originals = ['#! /bin/', '#!/bin/', '#! /usr/bin/', '#! /usr/bin/env ', '#!/usr/bin/env ', '#! /bin/env ', '#!/bin/env '];

export function unmangledShebangs(bytes: Buffer): Unmangled[] {
  const end = bytes.indexOf(0x0a);
  if (end < 0) return [];
  const mangled = bytes.subarray(0, end).toString('latin1');
  const m = /^#!\/usr\/bin\/([A-Za-z0-9_.+-]+)((?: .*)?)$/.exec(mangled);
  if (!m) return [];
  const [, program, args] = m;
  const rest = bytes.subarray(end);
  return originals.map((prefix) => {
    const original = `${prefix}${program}${args}`;
    const candidate = Buffer.concat([Buffer.from(original, 'latin1'), rest]);
    const blobId = createHash('sha1').update(`blob ${candidate.length}\0`).update(candidate).digest('hex');
    return { mangled, original, blobId };
  });
}

