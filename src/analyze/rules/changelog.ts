import { isBinary } from '../places.js';
import type { Rule } from '../rule.js';

/**
 * Many projects keep no ChangeLog in git and write one from the commit log at
 * `make dist`. Three common writers, each recognised by its layout: every line
 * at column 0 is an entry header of that writer, everything else is indented
 * commit text. The newest entry may not be dated after the tagged commit: a
 * log cannot describe commits that did not exist yet.
 */
interface Format {
  name: string;
  /** Lines allowed at column 0; group 1 is a date, when the line has one. */
  header: RegExp;
  /** Lines at column 0 that are part of an entry (not headers). */
  other?: RegExp;
  /** Group 1: the commit id, for writers that print it. */
  commit?: RegExp;
}

const formats: Format[] = [
  // gnulib's gitlog-to-changelog: `2022-10-07  Werner Koch  <wk@gnupg.org>`.
  { name: 'gitlog-to-changelog', header: /^(\d{4}-\d{2}-\d{2})  \S.*  <[^<>\s]*>$/, commit: /^\t\+ commit ([0-9a-f]{40})$/m },
  // `git log --stat` (xz's dist-hook): `commit <id>`, `Author:`, `Date:`.
  { name: 'git log', header: /^(?:commit [0-9a-f]{40}(?: .*)?|Author: .+|Merge: [0-9a-f ]+|(?:Author|Commit)Date: .+|Date: +(.+))$/, commit: /^commit ([0-9a-f]{40})/m },
  // curl's log2changes.pl: `Version 7.88.1 (20 Feb 2023)`, `Name (20 Feb 2023)`, `- subject`.
  { name: 'log2changes', header: /^\S.* \((\d{1,2} [A-Z][a-z]{2} \d{4})\)$/, other: /^- \S/ },
];

const names = new Set(['ChangeLog', 'CHANGES', 'ChangeLog.txt']);
/** One day of slack for time zones between the entry's date and the commit's. */
const slack = 86400;

function matchFormat(lines: string[]): { format: Format; newest?: number; headers: number } | undefined {
  for (const format of formats) {
    let headers = 0;
    let newest: number | undefined;
    let ok = true;
    for (const line of lines) {
      if (line.trim() === '' || /^\s/.test(line)) continue;
      const m = format.header.exec(line);
      if (m) {
        headers++;
        const t = m[1] ? Date.parse(m[1]) : NaN;
        if (!Number.isNaN(t)) newest = Math.max(newest ?? 0, t / 1000);
      } else if (!format.other?.test(line)) {
        ok = false;
        break;
      }
    }
    if (ok && headers > 0) return { format, newest, headers };
  }
  return undefined;
}

/**
 * A comment line the recipe echoes above the log, and the blank line after
 * it (p11-kit's dist-hook: `echo '# Generate automatically. Do not edit.'`
 * before `git log --stat`): found, quoted as it stands, in an `echo` of the
 * tag's top Makefile.am. Only a line that starts with `#` and holds nothing
 * a shell would expand.
 */
async function echoedBanner(lines: string[], ctx: Parameters<Rule['judge']>[1]): Promise<{ lines: number; text: string; source: string } | undefined> {
  const first = lines[0] ?? '';
  if (!/^#[^'"`$\\]*$/.test(first) || first.length > 200 || lines[1] !== '') return undefined;
  const makefile = ctx.tagByPath.get('Makefile.am');
  if (makefile?.type !== 'file' || makefile.size > 1024 ** 2) return undefined;
  const text = (await ctx.tagContent(makefile)).toString('utf8');
  const echoed = [`echo '${first}'`, `echo "${first}"`].some((e) => text.includes(e));
  return echoed ? { lines: 2, text: first, source: 'Makefile.am' } : undefined;
}

export const changelog: Rule = {
  name: 'changelog',
  changes: ['only-in-release', 'modified'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file' || !names.has(change.path)) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content || isBinary(content)) return undefined;
    const text = content.toString('utf8');
    const lines = text.split(/\r?\n/);
    const banner = await echoedBanner(lines, ctx);
    const found = matchFormat(lines.slice(banner?.lines ?? 0));
    if (!found) return undefined;
    const reasons = [`laid out as ${found.format.name} writes it from the commit log (${found.headers} entry headers, all other text indented)`];
    if (banner) reasons.push(`the line above it, ${JSON.stringify(banner.text)}, is echoed by ${banner.source} in the tag`);
    const tag = ctx.tagCommit;
    if (tag && found.newest !== undefined) {
      if (found.newest > tag.date + slack) return undefined;
      reasons.push(`newest entry (${new Date(found.newest * 1000).toISOString().slice(0, 10)}) is not after the tagged commit`);
    }
    const first = found.format.commit?.exec(text)?.[1];
    if (tag && first) reasons.push(first === tag.id ? 'its newest commit is the tagged commit' : `its newest commit ${first.slice(0, 12)} is not the tagged commit`);
    return { category: 'generated-changelog', severity: 'low', reasons };
  },
};
