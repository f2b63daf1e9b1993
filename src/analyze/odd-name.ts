/**
 * A path that is not valid UTF-8 (its bytes held as U+DC80..U+DCFF, see
 * git/paths.ts) is shown differently by every tool: `?`, U+FFFD, octal
 * escapes, or raw bytes a terminal renders as something else. A reader cannot
 * tell which file they are looking at, which is what hiding needs; such a
 * name is at least high, whatever explains its content, and its bytes are
 * named in the reasons.
 */
import { atLeast } from '../report/severity.js';
import type { Judgement } from './rule.js';

const notUtf8 = /[\udc80-\udcff]/u;

/** The path with each byte that is not UTF-8 written as \xNN. */
export function escapedBytes(path: string): string {
  return path.replace(/[\udc80-\udcff]/gu, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16).padStart(2, '0')}`);
}

export function withOddName(path: string, judgement: Judgement): Judgement {
  if (!notUtf8.test(path)) return judgement;
  return {
    ...judgement,
    severity: atLeast(judgement.severity, 'high') ? judgement.severity : 'high',
    reasons: [`the name is not valid UTF-8 (${escapedBytes(path)}): every tool shows it differently, so a reader cannot be sure which file this is`, ...judgement.reasons],
  };
}
