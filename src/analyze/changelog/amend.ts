import type { LoggedCommit } from '../history.js';

/**
 * gitlog-to-changelog's --amend=FILE (coreutils, grep, libtool keep it as
 * build-aux/git-log-fix): a commit id alone on a line, then Perl code the
 * script evals on `"%ct  %an  <%ae>\n\n" . message` to fix a typo or an
 * author. The file is the tag's, so its edits are the project's own; cuckoo
 * runs no Perl, and applies the edits that are plain substitutions
 * (`s,old,new,g;`, one or several, a replacement over several lines as
 * libgcrypt's has), which is what these files hold. A commit whose code is
 * anything else is left as it is, and said so.
 */

export type Edit = (text: string) => string;

/** Commit id → its edits, or undefined when some of its code is not plain substitutions. */
export function parseAmendFile(text: string): Map<string, Edit[] | undefined> {
  // The script takes the lines after a commit id, up to a blank line, as one piece of code.
  const code = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      if (line === '') current = undefined;
      continue;
    }
    if (/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(line)) {
      if (!code.has(line)) code.set(line, []);
      current = code.get(line);
      continue;
    }
    current?.push(raw);
  }
  return new Map([...code].map(([id, lines]) => [id, substitutions(lines.join('\n'))]));
}

/**
 * `s<d>pattern<d>replacement<d>flags` statements, one after another (`;` or
 * a new line between them), each split at unescaped delimiters.
 */
function statements(code: string): Array<[string, string, string]> | undefined {
  const out: Array<[string, string, string]> = [];
  let i = code.search(/\S/);
  while (i >= 0 && i < code.length) {
    const d = code[i + 1];
    if (code[i] !== 's' || !d || /[\w\s({[<]/.test(d)) return undefined;
    const fields: string[] = [];
    let current = '';
    for (i += 2; i < code.length && fields.length < 2; i++) {
      const c = code[i]!;
      if (c === '\\' && i + 1 < code.length) {
        // An escaped delimiter is the delimiter character itself.
        current += code[i + 1] === d ? d : c + code[i + 1];
        i++;
      } else if (c === d) {
        fields.push(current);
        current = '';
      } else current += c;
    }
    if (fields.length !== 2) return undefined;
    const flags = /^[a-z]*/.exec(code.slice(i))![0];
    out.push([fields[0]!, fields[1]!, flags]);
    const end = /^\s*(?:;\s*)?/.exec(code.slice(i + flags.length))![0];
    i += flags.length + end.length;
    if (i < code.length && !end.includes(';') && !end.includes('\n')) return undefined;
  }
  return out;
}

function substitutions(code: string): Edit[] | undefined {
  const parsed = statements(code);
  if (!parsed || parsed.length === 0) return undefined;
  const edits = parsed.map(substitution);
  return edits.every((e) => e !== undefined) ? (edits as Edit[]) : undefined;
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

function substitution([perlPattern, perlReplacement, perlFlags]: [string, string, string]): Edit | undefined {
  // A leading `(?s)` (libgcrypt's amend file) is a flag of the whole pattern.
  const inline = /^\(\?([ims]+)\)/.exec(perlPattern);
  const pattern = inline ? perlPattern.slice(inline[0].length) : perlPattern;
  const flags = [...new Set(perlFlags + (inline?.[1] ?? ''))].join('');
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
