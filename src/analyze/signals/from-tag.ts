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
/**
 * `once`: automake copies each Makefile.am line into Makefile.in once, so a
 * second copy of a tag line (moved into a target the build runs) is the
 * release's own; configure repeats a macro's lines at each expansion.
 */
const sourcesByName: Array<{ name: RegExp; files: string[]; macros: boolean; once: boolean }> = [
  { name: /^(?:GNU)?[Mm]akefile\.in$/, files: ['Makefile.am', 'GNUmakefile.am'], macros: false, once: true },
  { name: /^(?:configure|aclocal\.m4)$/, files: ['configure.ac', 'configure.in', 'acinclude.m4'], macros: true, once: false },
];

function specOf(path: string) {
  const { name } = splitPath(path);
  return sourcesByName.find((s) => s.name.test(name));
}

/** The tag's files a generated release file copies lines from, in the order a line is attributed to them. */
export function tagSourcesOf(path: string, ctx: AnalysisContext): string[] {
  const { dir } = splitPath(path);
  const spec = specOf(path);
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
  const found = new Map<string, Array<{ path: string; line: number }>>();
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
      if (wanted.has(t)) found.set(t, [...(found.get(t) ?? []), { path: source, line: k + 1 }]);
    }
  }
  // Each release line takes the next unused source line with its text (or, for configure, the first).
  const once = specOf(path)!.once;
  const used = new Map<string, number>();
  const byLine = new Map<number, { path: string; line: number } | undefined>();
  for (const n of [...new Set(hits.map((h) => h.line))].sort((a, b) => a - b)) {
    const t = lines[n - 1]!.trim();
    const k = used.get(t) ?? 0;
    byLine.set(n, found.get(t)?.[once ? k : 0]);
    used.set(t, k + 1);
  }
  return hits.map((h) => {
    const from = byLine.get(h.line);
    return from ? { ...h, fromTag: from } : h;
  });
}
