import { buildRole, isBinary } from '../places.js';
import type { Rule } from '../rule.js';

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

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
    const names = [...t.matchAll(placeholder)].map((m) => m[1]!);
    if (names.length === 0) {
      if (t !== r) return undefined;
      continue;
    }
    const pattern = new RegExp(`^${t.split(placeholder).map((part, k) => (k % 2 === 0 ? escape(part) : '(.*?)')).join('')}$`);
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

export const configuredTemplate: Rule = {
  name: 'configured-template',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file' || release.size > maxBytes) return undefined;
    const source = ctx.tagByPath.get(`${change.path}.in`);
    if (source?.type !== 'file') return undefined;
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
        ...(runs ? ['the build runs this file; no value holds command substitution or shell control characters'] : []),
      ],
    };
  },
};
