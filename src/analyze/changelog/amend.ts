import type { LoggedCommit } from '../history.js';

/**
 * gitlog-to-changelog's --amend=FILE (coreutils, grep, libtool keep it as
 * build-aux/git-log-fix): a commit id alone on a line, then Perl code the
 * script evals on `"%ct  %an  <%ae>\n\n" . message` to fix a typo or an
 * author. The file is the tag's, so its edits are the project's own; cuckoo
 * runs no Perl, and applies the edits that are plain substitutions
 * (`s,old,new,g;`), which is what these files hold. A commit whose code is
 * anything else is left as it is, and said so.
 */

export type Edit = (text: string) => string;

/** Commit id → its edits, or undefined when some line of its code is not a plain substitution. */
export function parseAmendFile(text: string): Map<string, Edit[] | undefined> {
  const out = new Map<string, Edit[] | undefined>();
  let current: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      if (line === '') current = undefined;
      continue;
    }
    if (/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(line)) {
      current = line;
      if (!out.has(line)) out.set(line, []);
      continue;
    }
    if (!current) continue;
    const edits = out.get(current);
    const edit = edits && substitution(line);
    out.set(current, edit ? [...edits, edit] : undefined);
  }
  return out;
}

/** The parts of `s<d>pattern<d>replacement<d>flags`, split at unescaped delimiters. */
function parts(code: string): [string, string, string] | undefined {
  const d = code[1];
  if (code[0] !== 's' || !d || /[\w\s({[<]/.test(d)) return undefined;
  const out: string[] = [];
  let current = '';
  for (let i = 2; i < code.length; i++) {
    const c = code[i]!;
    if (c === '\\' && i + 1 < code.length) {
      // An escaped delimiter is the delimiter character itself.
      current += code[i + 1] === d ? d : c + code[i + 1];
      i++;
    } else if (c === d && out.length < 2) {
      out.push(current);
      current = '';
    } else current += c;
  }
  if (out.length !== 2) return undefined;
  return [out[0]!, out[1]!, current.replace(/;\s*$/, '')];
}

/** A Perl replacement string as a JavaScript one: `\n`, `\@`, `$1`; any other variable is not plain. */
function replacement(perl: string): string | undefined {
  let out = '';
  for (let i = 0; i < perl.length; i++) {
    const c = perl[i]!;
    if (c === '\\') {
      const next = perl[++i] ?? '';
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next === '$' ? '$$' : next;
    } else if (c === '$') {
      const group = /^(?:(\d)|\{(\d)\}|&)/.exec(perl.slice(i + 1));
      if (!group) return undefined;
      out += group[0] === '&' ? '$&' : `$${group[1] ?? group[2]}`;
      i += group[0].length;
    } else out += c;
  }
  return out;
}

function substitution(code: string): Edit | undefined {
  const split = parts(code);
  if (!split) return undefined;
  const [pattern, perlReplacement, flags] = split;
  if (!/^[gims]*$/.test(flags)) return undefined;
  const to = replacement(perlReplacement);
  if (to === undefined) return undefined;
  let re: RegExp;
  try {
    // Perl's `\@` (an escaped array sigil) is a plain `@`; its final `$`
    // (without /m) also matches before a final newline.
    let source = pattern.replace(/\\@/g, '@');
    if (!flags.includes('m') && /(?:^|[^\\])\$$/.test(source)) source = `${source.slice(0, -1)}(?=\n?$)`;
    re = new RegExp(source, flags);
  } catch {
    return undefined;
  }
  return (text) => text.replace(re, to);
}

/** The commit as the amend file's edits leave it: author line and message. */
export function amendCommit(commit: LoggedCommit, edits: readonly Edit[]): LoggedCommit {
  let text = `${commit.time}  ${commit.authors[0]}\n\n${commit.message}`;
  for (const edit of edits) text = edit(text);
  const m = /^(\d+)  (.*>)\n([\s\S]*)$/.exec(text);
  if (!m) return commit;
  return { ...commit, time: Number(m[1]), authors: [m[2]!], message: m[3]!.replace(/^\n/, '') };
}
