import type { Report } from '../../report/report.js';

/**
 * Archive names, link targets and file content reach the report as they are,
 * and a release is hostile: a name holding `ESC ]` or a carriage return would
 * drive the reader's terminal or forge report lines. Control characters (C0,
 * DEL, C1) and the bidirectional overrides of "Trojan Source"
 * (CVE-2021-42574) are shown as escapes instead, as are the bytes of a name
 * that is not UTF-8. Diffs keep their newlines
 * and tabs.
 */
const hidden = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\udc80-\udcff]/gu;
const hiddenInDiff = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\udc80-\udcff]/gu;

function escape(c: string): string {
  const code = c.charCodeAt(0);
  // A byte of a name that is not UTF-8 (git/paths.ts holds it as U+DC80..U+DCFF): shown as that byte.
  if (code >= 0xdc80 && code <= 0xdcff) return `\\x${(code - 0xdc00).toString(16)}`;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with nothing a terminal would act on; `multiline` keeps newlines and tabs. */
export function visible(text: string, multiline = false): string {
  return text.replace(multiline ? hiddenInDiff : hidden, escape);
}

/** A copy of a JSON document with every string made visible (a `diff` keeps its newlines and tabs). */
export function visibleCopy<T>(doc: T): T {
  return JSON.parse(JSON.stringify(doc), (key, value: unknown) => (typeof value === 'string' ? visible(value, key === 'diff') : value)) as T;
}

/** A copy of the report with every string made visible, for the renderers that print text as it is. */
export function visibleReport(report: Report): Report {
  return visibleCopy(report);
}
