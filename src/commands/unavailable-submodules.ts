/**
 * A submodule that could not be fetched leaves part of the release
 * unchecked: its own folder, and any file the release copied from it
 * elsewhere (gnulib's macros in m4/, its sources in lib/). One finding per
 * such submodule names it, the address tried and why; the release files that
 * could therefore not be checked are listed in its evidence instead of one
 * unexplained finding each. Nothing critical is ever folded in: a file with
 * signals or a look-alike macro keeps its own finding.
 *
 * The run then did not check the whole release: the report says so
 * (`incomplete`), and the exit code is 3 when nothing else fails. A
 * submodule of which the release ships nothing (nghttp2's tarball leaves
 * third-party/mruby an empty folder), and from which no unexplained file may
 * have come, left nothing unchecked: its finding is `info`, and the run is
 * complete on its account.
 */
import { findingId } from '../analyze/analyze.js';
import type { Change } from '../compare/change.js';
import type { Finding } from '../report/finding.js';
import type { UnavailableSubmodule } from './tag-side.js';

const under = (path: string, dir: string) => path.startsWith(`${dir}/`);

/**
 * A release-only file the submodule could have explained: one no rule
 * explains, or a macro that differs from the known-good version of its name
 * (the submodule may pin another version). Never a critical one.
 */
export function mayBeCopy(f: Pick<Finding, 'change' | 'category' | 'severity'>): boolean {
  if (f.change !== 'only-in-release' || f.severity === 'critical') return false;
  return f.category === 'unexplained' || (f.category === 'm4-lookalike' && f.severity === 'high');
}

/** Findings with the unchecked files folded into one finding per unavailable submodule. */
export function foldUnavailable(findings: Finding[], unavailable: readonly UnavailableSubmodule[]): { findings: Finding[]; incomplete: string[] } {
  if (unavailable.length === 0) return { findings, incomplete: [] };
  const folded = new Map<string, string[]>(unavailable.map((u) => [u.submodule.path, []]));
  const kept: Finding[] = [];
  const first = unavailable[0]!.submodule.path;
  for (const f of findings) {
    const own = unavailable.find((u) => under(f.path, u.submodule.path));
    if (own && f.severity !== 'critical') folded.get(own.submodule.path)!.push(f.path);
    else if (mayBeCopy(f)) folded.get(first)!.push(f.path);
    else kept.push(f);
  }
  const added = unavailable.map((u): Finding => {
    const paths = folded.get(u.submodule.path)!;
    const s = u.submodule;
    const fetchFailed = `submodule ${s.name} (${s.path}) pinned at ${s.commit.slice(0, 12)} could not be fetched from ${u.address || 'its .gitmodules URL'}: ${u.why}`;
    const evidence = { submodule: { name: s.name, path: s.path, commit: s.commit }, notChecked: paths };
    const base = {
      id: findingId({ kind: 'integrity', path: s.path } as unknown as Change, 'submodule-unavailable'),
      path: s.path,
      change: 'integrity',
      category: 'submodule-unavailable',
    } as const;
    if (paths.length === 0) {
      return { ...base, severity: 'info', reasons: [fetchFailed, 'the release ships nothing from it and no unexplained file that may be a copy of it: nothing was left unchecked'], evidence };
    }
    return {
      ...base,
      severity: 'high',
      reasons: [
        fetchFailed,
        `${paths.length} release file(s) could therefore not be checked: ${s.path === first && paths.some((p) => !under(p, s.path)) ? 'its own folder and the files no rule explains, which may be copies of it' : 'its own folder'} (listed in the evidence)`,
        u.hint ?? `pass --submodule ${s.name}=PATH|URL with a repository that has commit ${s.commit}, or --no-submodules to leave submodules out`,
      ],
      evidence,
    };
  });
  const all = [...kept, ...added].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const unchecked = unavailable.filter((u) => folded.get(u.submodule.path)!.length > 0);
  return { findings: all, incomplete: unchecked.map((u) => `submodule ${u.submodule.name} could not be fetched: the release was not fully checked`) };
}
