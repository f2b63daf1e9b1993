import type { AnalysisContext } from '../rule.js';
import { splitPath } from '../places.js';
import type { SignalHit } from './signal.js';

/**
 * Generated build files carry their sources' lines verbatim: automake copies a
 * Makefile.am rule into Makefile.in, autoconf copies configure.ac's shell code
 * and the macros it expands into configure. A signal on such a line is code
 * git already has (libxml2 2.9.14's Makefile.in: `cut -b 1-15 …` and
 * `cat $(srcdir)/test/c14n/…` from its Makefile.am), reviewed there, so it
 * does not count against the release; it stays in the evidence, marked.
 */

/** Sources per generated name: same-folder files, and for configure-like outputs the tag's m4 macros below that folder. */
const sourcesByName: Array<{ name: RegExp; files: string[]; macros: boolean }> = [
  { name: /^(?:GNU)?[Mm]akefile\.in$/, files: ['Makefile.am', 'GNUmakefile.am'], macros: false },
  { name: /^(?:configure|aclocal\.m4)$/, files: ['configure.ac', 'configure.in', 'acinclude.m4'], macros: true },
];

/** The tag's files a generated release file copies lines from, in the order a line is attributed to them. */
export function tagSourcesOf(path: string, ctx: AnalysisContext): string[] {
  const { dir, name } = splitPath(path);
  const spec = sourcesByName.find((s) => s.name.test(name));
  if (!spec) return [];
  const inDir = (n: string) => (dir ? `${dir}/${n}` : n);
  const out = spec.files.map(inDir).filter((p) => ctx.tagByPath.get(p)?.type === 'file');
  if (spec.macros) {
    const prefix = dir ? `${dir}/` : '';
    for (const [p, e] of ctx.tagByPath) if (e.type === 'file' && p.startsWith(prefix) && p.endsWith('.m4') && !out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * The hits whose line (trimmed, in full) is a line of one of the file's
 * sources in the tag get `fromTag`: that source and its line number. The
 * sources are read only when there are hits, and each at most once.
 */
export async function markFromTag(path: string, text: string, hits: readonly SignalHit[], ctx: AnalysisContext): Promise<SignalHit[]> {
  if (hits.length === 0) return [...hits];
  const sources = tagSourcesOf(path, ctx);
  if (sources.length === 0) return [...hits];
  const lines = text.split('\n');
  const wanted = new Set(hits.map((h) => lines[h.line - 1]!.trim()));
  const found = new Map<string, { path: string; line: number }>();
  for (const source of sources) {
    const entry = ctx.tagByPath.get(source)!;
    let content: string;
    try {
      content = (await ctx.tagContent(entry)).toString('latin1');
    } catch {
      continue; // an unreadable source explains nothing; its lines keep counting
    }
    for (const [k, line] of content.split('\n').entries()) {
      const t = line.trim();
      if (wanted.has(t) && !found.has(t)) found.set(t, { path: source, line: k + 1 });
    }
    if (found.size === wanted.size) break;
  }
  return hits.map((h) => {
    const from = found.get(lines[h.line - 1]!.trim());
    return from ? { ...h, fromTag: from } : h;
  });
}
