/**
 * The sed edits a Makefile.am's `dist-hook` makes to the files `make dist`
 * has copied (libusb 1.0.26: `$(SED) -i.orig -e '/Build Status/d'
 * $(distdir)/README`), read from the tag's Makefile.am so that they can be
 * re-run in the sandbox on the tag's copy. Only plain commands are taken:
 * `sed` or `$(SED)`, `-i` with or without a suffix, `-E`, `-r` or `-n`,
 * quoted scripts (`-e 'SCRIPT'`, or one without `-e`; see shell-words.ts), and one
 * `$(distdir)/PATH`. Make turns `$$` into `$`; a script with any other `$`
 * or a command with anything else is left out, and said so.
 */

import { shellWords, type ShellWord } from './shell-words.js';

export interface SedEdit {
  /** The edited file, relative to the release's top. */
  path: string;
  /** The scripts, as sed gets them once make has expanded them. */
  scripts: string[];
  /** Extra options kept (`-E`, `-r`, `-n`). */
  options: string[];
  /** `Makefile.am:32`. */
  source: string;
  /** The recipe's command as written. */
  text: string;
}

export interface SkippedEdit {
  source: string;
  text: string;
  /** The edited file, when the command names one. */
  path?: string;
  why: string;
}

/** The logical lines of the `dist-hook:` rule's recipe, with their line numbers: continuations joined. */
function distHookRecipe(makefileAm: string): Array<{ line: number; text: string }> {
  const lines = makefileAm.split('\n');
  const start = lines.findIndex((l) => /^dist-hook\s*:/.test(l));
  if (start < 0) return [];
  const out: Array<{ line: number; text: string }> = [];
  for (let i = start + 1; i < lines.length && lines[i]!.startsWith('\t'); i++) {
    const first = i;
    let text = lines[i]!.slice(1);
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.replace(/^\t/, '')}`;
    out.push({ line: first + 1, text: text.replace(/^[@+-]+/, '').replace(/^\$\(AM_V_at\)/, '').trim() });
  }
  return out;
}

/** The sed edits of a Makefile.am's dist-hook (`file`: its path in the tag), and the sed commands not taken. */
export function distHookEdits(makefileAm: string, file: string): { edits: SedEdit[]; skipped: SkippedEdit[] } {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const result: { edits: SedEdit[]; skipped: SkippedEdit[] } = { edits: [], skipped: [] };
  for (const { line, text } of distHookRecipe(makefileAm)) {
    if (!/(?:^|[\s;&|(])(?:\$\(SED\)|sed)\s/.test(text)) continue;
    const source = `${file}:${line}`;
    const all = shellWords(text);
    if (!all) {
      result.skipped.push({ source, text, why: 'its quoting or shell syntax is more than plain words' });
      continue;
    }
    // Each command of the line on its own; only sed's are looked at (one that redirects is not plain).
    const commands: ShellWord[][] = [[]];
    for (const w of all) {
      if (!w.quoted && /^(?:;|&&|\|\||\|)$/.test(w.word)) commands.push([]);
      else commands.at(-1)!.push(w);
    }
    for (const command of commands) {
      if (command.length === 0 || command[0]!.quoted || !/^(?:\$\(SED\)|sed)$/.test(command[0]!.word)) continue;
      const edit = sedEdit(command.slice(1), dir);
      if ('why' in edit) result.skipped.push({ source, text, ...(edit.path ? { path: edit.path } : {}), why: edit.why });
      else result.edits.push({ ...edit, source, text });
    }
  }
  return result;
}

function sedEdit(args: ShellWord[], dir: string): Omit<SedEdit, 'source' | 'text'> | { why: string; path?: string } {
  const scripts: string[] = [];
  const options: string[] = [];
  let inPlace = false;
  let path: string | undefined;
  for (let k = 0; k < args.length; k++) {
    const { word, quoted } = args[k]!;
    if (!quoted && /^-i(?:\.?[\w.~-]*)?$/.test(word)) inPlace = true;
    else if (!quoted && /^-[Ern]$/.test(word)) options.push(word);
    else if (!quoted && word === '-e' && args[k + 1]?.quoted) scripts.push(args[++k]!.word);
    else if (quoted && scripts.length === 0 && !args.slice(k + 1).some((a) => a.word === '-e')) scripts.push(word);
    else if (!quoted && /^\$\(distdir\)\/[\w.+/-]+$/.test(word) && !path) path = dir + word.slice('$(distdir)/'.length);
    else return { why: `sed's word ${JSON.stringify(word)} is not one cuckoo re-runs`, ...(path ? { path } : {}) };
  }
  if (!path) return { why: 'it edits no $(distdir)/FILE' };
  if (!inPlace) return { why: 'it does not edit in place (-i)', path };
  if (scripts.length === 0) return { why: 'it has no script', path };
  if (path.split('/').some((p) => p === '..' || p === '.')) return { why: 'its file is outside the release', path };
  const expanded: string[] = [];
  for (const script of scripts) {
    // Make expands `$$` to `$`; any other `$` names a variable make would fill in.
    if (/\$(?!\$)/.test(script.replace(/\$\$/g, ''))) return { why: 'its script has a make variable', path };
    expanded.push(script.replace(/\$\$/g, '$'));
  }
  return { path, scripts: expanded, options };
}
