import type { TagEntry } from '../../git/types.js';
import { buildRole, isBinary } from '../places.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { escapeRegExp } from '../regexp.js';

/**
 * A file configure wrote from a template in the tag: `libgpg-error.spec` from
 * `libgpg-error.spec.in`, curl's `lib/libcurl.plist` from `libcurl.plist.in`.
 * Release scripts run configure and ship some of its outputs. The shape: the
 * same lines as `FILE.in`, where each `@NAME@` placeholder became one value,
 * the same value everywhere the name appears, and every other byte equal.
 * Nothing can be added, dropped or reordered, so planted code would have to
 * sit inside a value: in a file the build runs, values that could run
 * anything (command substitution, `;`, `|`, `&`) are not accepted.
 */

/** Larger files are not configure templates; diffing them is not worth it. */
const maxBytes = 1024 * 1024;
const maxValueLength = 256;
const placeholder = /@([A-Za-z_][A-Za-z0-9_]*)@/g;
/** What a value of a file the build runs may not hold: shell control and substitution. */
const activeInValue = /[`;|&]|\$\(/;
const shownValues = 3;

/**
 * automake's `VPATH = @srcdir@` line, which config.status empties when the
 * source folder is the build folder (srcdir `.`): a make without VPATH
 * support then never sees it (autoconf's ac_vpsub).
 */
const vpathLine = /^VPATH[ \t]*=[ \t]*@srcdir@[ \t]*$/;

/**
 * The values the template's placeholders took to give `text`, or undefined when
 * `text` is not the template with values in its placeholders.
 */
export function templateValues(template: string, text: string): Map<string, string> | undefined {
  const tLines = template.split('\n');
  const rLines = text.split('\n');
  if (tLines.length !== rLines.length) return undefined;
  const values = new Map<string, string>();
  for (let i = 0; i < tLines.length; i++) {
    const t = tLines[i]!;
    const r = rLines[i]!;
    if (r === '' && vpathLine.test(t)) {
      if ((values.get('srcdir') ?? '.') !== '.') return undefined;
      values.set('srcdir', '.');
      continue;
    }
    const names = [...t.matchAll(placeholder)].map((m) => m[1]!);
    if (names.length === 0) {
      if (t !== r) return undefined;
      continue;
    }
    const pattern = new RegExp(`^${t.split(placeholder).map((part, k) => (k % 2 === 0 ? escapeRegExp(part) : '(.*?)')).join('')}$`);
    const match = pattern.exec(r);
    if (!match) return undefined;
    for (let k = 0; k < names.length; k++) {
      const value = match[k + 1]!;
      const seen = values.get(names[k]!);
      if (seen !== undefined && seen !== value) return undefined;
      values.set(names[k]!, value);
    }
  }
  return values.size > 0 ? values : undefined;
}

/**
 * A placeholder line of a list template: one upper-case name alone on its
 * line (curl's `CURL_SRC_C_FILES` in projects/Windows/VC10/src/curl.tmpl).
 */
const listPlaceholder = /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/;

/**
 * An entry a list template's placeholder may become: one empty MSBuild item
 * element that only names an input file, by its single Include attribute, a
 * relative path (`<ClCompile Include="..\..\..\..\lib\dynbuf.c" />`). No
 * other element (Exec, CustomBuild run commands), attribute or child, and
 * nothing MSBuild would expand.
 */
const listEntry = /^\s*<(ClCompile|ClInclude|ResourceCompile|None|Text|Image|Natvis|Manifest)\s+Include="([A-Za-z0-9_.+\-\\/]+)"\s*\/>$/;

const shownPlaceholders = 3;

export interface FilledLists {
  /** The placeholder lines, in template order. */
  placeholders: string[];
  /** The paths the entries name, as written. */
  entries: string[];
}

/**
 * How `text` is `template` with each placeholder line (or run of them)
 * replaced by entry lines, every other line equal and in order; undefined
 * when it is not. Line ends are compared without their CR: git may check a
 * template out with CRLF (curl's projects/Windows/.gitattributes) while its
 * blob has LF, and a generator may write CRLF where the template has LF.
 */
export function filledLists(template: string, text: string): FilledLists | undefined {
  // Whether the last line ends in a newline is not compared either: curl's awk ends every line it writes with one.
  const lines = (t: string) => t.replace(/\r?\n$/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  const tLines = lines(template);
  const rLines = lines(text);
  const placeholders: string[] = [];
  const entries: string[] = [];
  let j = 0;
  for (let i = 0; i < tLines.length; ) {
    if (!listPlaceholder.test(tLines[i]!.trim())) {
      if (rLines[j] !== tLines[i]) return undefined;
      i++;
      j++;
      continue;
    }
    while (i < tLines.length && listPlaceholder.test(tLines[i]!.trim())) placeholders.push(tLines[i++]!.trim());
    const anchor = tLines[i];
    for (; j < rLines.length && rLines[j] !== anchor; j++) {
      const m = listEntry.exec(rLines[j]!);
      if (!m) return undefined;
      entries.push(m[2]!);
    }
  }
  return j === rLines.length && placeholders.length > 0 ? { placeholders, entries } : undefined;
}

/** A relative path written in `dir` (`..\..\lib\x.c`), as a path of the tree; undefined when it leaves the tree. */
function resolveFrom(dir: string, written: string): string | undefined {
  const parts = dir === '' ? [] : dir.split('/');
  for (const seg of written.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** Templates beside a file that a generator may have filled: `curl.tmpl` for `curl.vcxproj`, or `FILE.tmpl`. */
function siblingTemplates(path: string, ctx: AnalysisContext): TagEntry[] {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const stem = path.slice(slash + 1).split('.')[0]!;
  const names = [`${dir}${stem}.tmpl`, `${dir}${stem}.template`, `${path}.tmpl`, `${path}.template`];
  return [...new Set(names)].map((n) => ctx.tagByPath.get(n)).filter((e): e is TagEntry => e?.type === 'file');
}

/**
 * A file a generator filled from a list template in the tag: curl's `make
 * vc-ide` writes each `.vcxproj` under projects/Windows from the `.tmpl`
 * beside it, each placeholder line replaced by one element per source file.
 * Every line of the template is kept, in order; only its placeholder lines
 * are replaced, and only by entries that each name a file of the tag or the
 * release (those are judged on their own).
 */
async function filledFromList(path: string, text: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  for (const source of siblingTemplates(path, ctx)) {
    const filled = filledLists((await ctx.tagContent(source)).toString('utf8'), text);
    if (!filled) continue;
    const dir = path.slice(0, path.lastIndexOf('/') + 1).replace(/\/$/, '');
    const named = filled.entries.map((e) => resolveFrom(dir, e));
    if (named.some((p) => p === undefined || !(ctx.tagByPath.has(p) || ctx.releaseOnly?.has(p)))) continue;
    const releaseOnly = named.filter((p) => !ctx.tagByPath.has(p!)).length;
    const shown = filled.placeholders.slice(0, shownPlaceholders).join(', ');
    const more = filled.placeholders.length - Math.min(filled.placeholders.length, shownPlaceholders);
    return {
      category: 'configured-file',
      severity: 'low',
      reasons: [
        `the lines of ${source.path} in the tag with its placeholder line${filled.placeholders.length === 1 ? '' : 's'} ${shown}${more > 0 ? ` and ${more} more` : ''} replaced by ${filled.entries.length} entr${filled.entries.length === 1 ? 'y' : 'ies'}, each one element naming a file`,
        releaseOnly > 0
          ? `${filled.entries.length - releaseOnly} of the files named are the tag's, ${releaseOnly} the release's alone (judged on their own)`
          : 'every file named is the tag\'s',
      ],
    };
  }
  return undefined;
}

/**
 * The templates configure.ac names with `OUTPUT:INPUT` (`AC_CONFIG_FILES([libxml2.spec:libxml.spec.in])`),
 * by output path, read once per run from the tag's top configure.ac (or configure.in).
 * Only a single input is taken: several are concatenated, which the shape check does not model.
 */
const namedTemplates = new WeakMap<AnalysisContext, Promise<Map<string, string>>>();

function templatesNamed(ctx: AnalysisContext): Promise<Map<string, string>> {
  let found = namedTemplates.get(ctx);
  if (!found) {
    found = (async () => {
      const named = new Map<string, string>();
      const script = ['configure.ac', 'configure.in'].map((p) => ctx.tagByPath.get(p)).find((e) => e?.type === 'file');
      if (!script) return named;
      const text = (await ctx.tagContent(script)).toString('utf8');
      for (const call of text.matchAll(/\b(?:AC_CONFIG_FILES|AC_OUTPUT)\(\s*\[?([^\])]*)/g)) {
        for (const word of call[1]!.replace(/\\\n/g, ' ').split(/\s+/)) {
          const parts = word.split(':');
          if (parts.length !== 2 || !/^[\w.+\/-]+$/.test(parts[0]!) || !/^[\w.+\/-]+$/.test(parts[1]!)) continue;
          const [output, input] = [resolveFrom('', parts[0]!), resolveFrom('', parts[1]!)];
          if (output && input && !named.has(output)) named.set(output, input);
        }
      }
      return named;
    })();
    namedTemplates.set(ctx, found);
  }
  return found;
}

export const configuredTemplate: Rule = {
  name: 'configured-template',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file' || release.size > maxBytes) return undefined;
    let source = ctx.tagByPath.get(`${change.path}.in`);
    let named = false;
    if (source?.type !== 'file') {
      const input = (await templatesNamed(ctx)).get(change.path);
      source = input === undefined ? undefined : ctx.tagByPath.get(input);
      named = source !== undefined;
    }
    if (source?.type !== 'file') {
      if (siblingTemplates(change.path, ctx).length === 0) return undefined;
      const content = await ctx.releaseContent(release);
      if (!content || isBinary(content)) return undefined;
      return filledFromList(change.path, content.toString('utf8'), ctx);
    }
    const content = await ctx.releaseContent(release);
    if (!content || isBinary(content)) return undefined;
    const template = (await ctx.tagContent(source)).toString('utf8');
    const values = templateValues(template, content.toString('utf8'));
    if (!values) return undefined;
    const list = [...values.entries()];
    if (list.some(([, v]) => v.length > maxValueLength)) return undefined;
    const runs = buildRole(change.path) !== undefined;
    if (runs && list.some(([, v]) => activeInValue.test(v))) return undefined;
    const shown = list.slice(0, shownValues).map(([name, v]) => `@${name}@ → ${JSON.stringify(v)}`);
    const more = list.length - shown.length;
    return {
      category: 'configured-file',
      severity: 'low',
      reasons: [
        `the lines of ${source.path} in the tag with its placeholders filled in: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
        ...(named ? [`configure.ac names ${source.path} as the template of ${change.path} (\`${change.path}:${source.path}\`)`] : []),
        ...(runs ? ['the build runs this file; no value holds command substitution or shell control characters'] : []),
      ],
    };
  },
};
