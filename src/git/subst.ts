/**
 * export-subst: `$Format:<fmt>$` becomes `git log --pretty=format:<fmt>` of the
 * archived commit (gitattributes(5) "export-subst", archive.c format_subst).
 * git does the expansion, so placeholder semantics are git's own. All
 * placeholders of a file go to one `git log` call, joined by a random
 * separator.
 *
 * Settings that make `git log` differ from git archive's pretty context are
 * pinned: no signature check, no notes, no colour, default dates, UTF-8, and
 * no mailmap rewriting of %an (archive has none); %aN uses the tag's
 * `.mailmap`. What depends on the archiver's own repository cannot be
 * reproduced: %d/%D (its refs), %h length (its object count, core.abbrev),
 * %(describe) (its tags; git archive also expands only the first one per
 * archive).
 */
import { randomBytes } from 'node:crypto';
import { CuckooError } from '../errors.js';
import { decodeGitPath } from './paths.js';
import { git } from './run.js';
import type { RepoHandle } from './types.js';

interface Placeholder {
  start: number;
  end: number;
  format: string;
}

/** Linux caps one argument at 128 KiB (MAX_ARG_STRLEN); stay well below. */
const maxArg = 96 * 1024;

export async function expandSubst(src: Buffer, repo: RepoHandle, commit: string): Promise<Buffer> {
  const found = findPlaceholders(src);
  if (found.length === 0) return src;
  const expanded: Buffer[] = [];
  for (const group of groups(found)) expanded.push(...(await expandGroup(group, repo, commit)));
  const parts: Buffer[] = [];
  let from = 0;
  found.forEach((p, i) => {
    parts.push(src.subarray(from, p.start), expanded[i]!);
    from = p.end;
  });
  parts.push(src.subarray(from));
  return Buffer.concat(parts);
}

/** `$Format:` up to the next `$`; an unterminated one ends the search (format_subst). */
export function findPlaceholders(src: Buffer): Placeholder[] {
  const out: Placeholder[] = [];
  let pos = 0;
  for (;;) {
    const start = src.indexOf('$Format:', pos, 'latin1');
    if (start < 0) break;
    const close = src.indexOf(0x24, start + 8);
    if (close < 0) break;
    out.push({ start, end: close + 1, format: formatArg(src.subarray(start + 8, close)) });
    pos = close + 1;
  }
  return out;
}

/**
 * The format as an argument: git reads it as a C string, so it ends at a NUL;
 * bytes that are not UTF-8 cannot travel in an argument and are written as
 * `%xNN`, which git turns back into the byte.
 */
function formatArg(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  const text = decodeGitPath(nul >= 0 ? bytes.subarray(0, nul) : bytes);
  return text.replace(/[\udc80-\udcff]/g, (c) => `%x${(c.charCodeAt(0) - 0xdc00).toString(16).padStart(2, '0')}`);
}

function* groups(found: Placeholder[]): Generator<Placeholder[]> {
  let group: Placeholder[] = [];
  let size = 0;
  for (const p of found) {
    if (p.format.length > maxArg) {
      throw new CuckooError('git', `a $Format:…$ placeholder of ${p.format.length} characters is too long to expand`, {
        hint: 'check the file: git archive would expand everything up to the next "$"',
      });
    }
    if (group.length > 0 && size + p.format.length + 64 > maxArg) {
      yield group;
      group = [];
      size = 0;
    }
    group.push(p);
    size += p.format.length + 64;
  }
  if (group.length > 0) yield group;
}

async function expandGroup(group: Placeholder[], repo: RepoHandle, commit: string): Promise<Buffer[]> {
  const token = randomBytes(16).toString('hex');
  const separator = Buffer.from(`\0${token}\0`, 'latin1');
  const format = group.map((p) => p.format).join(`%x00${token}%x00`);
  const args = [
    'log', '-1', '--no-show-signature', '--no-notes', '--no-color', '--no-mailmap', '--encoding=UTF-8', '--date=default',
    `--pretty=format:${format}`, '--end-of-options', commit, '--',
  ];
  const config = {
    // A bare view: the archiver's work-tree .mailmap is the tag's; never read one from the cwd.
    'core.bare': 'true',
    'mailmap.file': '',
    'mailmap.blob': `${commit}:.mailmap`,
  };
  const { stdout } = await git(repo, args, { config });
  const pieces: Buffer[] = [];
  let from = 0;
  for (let at = stdout.indexOf(separator, from); at >= 0; at = stdout.indexOf(separator, from)) {
    pieces.push(stdout.subarray(from, at));
    from = at + separator.length;
  }
  pieces.push(stdout.subarray(from));
  if (pieces.length !== group.length) {
    throw new CuckooError('git', `expanding $Format:…$ placeholders at ${commit}: got ${pieces.length} results for ${group.length}`);
  }
  return pieces;
}
