import { genuineDiff } from '../knowledge/genuine-diff.js';
import { describeKnown, describeOrigin, sortedByPreference } from '../knowledge/origin.js';
import type { KnownFile } from '../knowledge/types.js';
import { addedCode } from '../added-code.js';
import { nearestGenuine } from '../knowledge/nearest.js';
import { applySubstitutions, scriptEditOf } from '../knowledge/script-edit.js';
import { m4CodeHash, parseSerial } from '../m4.js';
import type { Change } from '../../compare/change.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { withSignals } from './build-signals.js';
import type { ReleaseEntry } from '../../release/entry.js';
import { signalNamed } from '../signals/scan.js';
import type { AddedCode, AddedLine } from '../added-code.js';

/**
 * An m4 file that bears the name of a known macro but not its content. aclocal
 * prefers the copy with the higher serial, so a look-alike with an inflated
 * serial survives `autoreconf -fi`: the xz backdoor's build-to-host.m4 said
 * serial 30 where gnulib's said 3 (CVE-2024-3094). Exact copies are explained
 * by known-good; unknown names and lower serials pass to the content rules.
 */

/** "Far above": more than double the highest known serial and more than 5 above it (3 → 30). */
const isFarAbove = (serial: number, highest: number) => serial > highest * 2 && serial > highest + 5;

async function diffAgainst(genuine: { file: KnownFile; bytes?: Buffer }, release: Buffer, path: string): Promise<Judgement['evidence']> {
  if (!genuine.bytes) return { diffNote: `no genuine copy of ${describeKnown(genuine.file)} at hand for a diff` };
  return genuineDiff(genuine.bytes, release, `a/${genuine.file.name} (${describeOrigin(genuine.file)})`, path);
}

export const m4Serial: Rule = {
  name: 'm4-serial',
  changes: ['only-in-release', 'modified'],
  async judge(change, ctx) {
    const judgement = await judgeSerial(change, ctx);
    // A look-alike is decided here, so this finding must also carry what its
    // content and history say (decoding chains, the ignore rule that hid it).
    return judgement?.category === 'm4-lookalike' ? withSignals(judgement, change, ctx) : judgement;
  },
};

async function judgeSerial(change: Change, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const release: ReleaseEntry | undefined = change.release;
  const knowledge = ctx.knowledge;
  if (!knowledge || release?.type !== 'file' || !change.path.endsWith('.m4')) return undefined;
  const name = change.path.slice(change.path.lastIndexOf('/') + 1);
  // An exact copy is genuine, whatever rule order the list uses.
  if ([release.blobId, release.sha256].some((id) => id && knowledge.byHash(id, name).length > 0)) return undefined;
  const known = sortedByPreference(knowledge.byName(name).filter((f) => f.serial !== undefined));
  if (known.length === 0) return undefined;
  const content = await ctx.releaseContent(release);
  if (!content) return undefined;
  const text = content.toString('latin1');
  const serial = parseSerial(text);
  if (serial === undefined) return undefined;

  const same = known.filter((f) => f.serial === serial);
  const codeHash = m4CodeHash(text);
  const sameCode = same.find((f) => f.codeHash === codeHash);
  if (sameCode) {
    return {
      category: 'known-good',
      severity: 'low',
      reasons: [`same macro code as ${describeKnown(sameCode)}; only comment lines differ (copyright years, notes)`],
    };
  }
  if (same.length > 0) return judgeSameSerial(change.path, name, serial, same, content, ctx);

  const highest = Math.max(...known.map((f) => f.serial!));
  if (serial <= highest) return undefined;
  const top = known.filter((f) => f.serial === highest);
  // The diff is against the nearest version of any serial: the xz look-alike
  // was gnulib's serial 3 with lines planted, whatever the newest serial is.
  const genuine = await nearestGenuine(known, content, ctx.knowledge!);
  const far = isFarAbove(serial, highest);
  const reasons = [`serial ${serial} is higher than any known ${name} (highest ${highest}, ${describeOrigin(top[0]!)})`];
  reasons.push(
    far
      ? `a jump from ${highest} to ${serial}: aclocal and autoreconf -fi keep this copy over any genuine one, as the xz backdoor's build-to-host.m4 did`
      : 'aclocal and autoreconf -fi keep this copy over the installed one; it may come from a newer release of the tool, or be a look-alike',
  );
  if (genuine.bytes) reasons.push(`diff against the nearest genuine ${describeKnown(genuine.file)}`);
  return {
    category: 'm4-lookalike',
    severity: far ? 'critical' : 'high',
    reasons,
    evidence: await diffAgainst(genuine, content, change.path),
  };
}

/**
 * Same name and serial as known versions, other code: judged by what its
 * diff against the nearest genuine version at hand adds.
 */
async function judgeSameSerial(path: string, name: string, serial: number, same: KnownFile[], content: Buffer, ctx: AnalysisContext): Promise<Judgement> {
  const text = content.toString('latin1');
  const genuine = await nearestGenuine(same, content, ctx.knowledge!);
  // Tools ship the same serial with different bytes now and then; say so rather than hide it.
  const variants = new Set(same.map((f) => f.blobId)).size;
  const others = variants > 1 ? ` (nor any of the ${variants - 1} other known versions of that serial)` : '';
  const claim = `claims to be ${name} serial ${serial} of ${describeOrigin(genuine.file)}, but its content differs${others}`;
  const evidence = await diffAgainst(genuine, content, path);
  if (!genuine.bytes) return { category: 'm4-lookalike', severity: 'critical', reasons: [claim, 'no genuine copy at hand to tell what it adds'], evidence };
  const edited = await editedByScript(path, genuine.file, genuine.bytes, text, ctx);
  if (edited) return edited;
  const added = addedCode(path, genuine.bytes.toString('latin1'), text);
  const verdict = sameSerialVerdict(added);
  // What looks added may be what the copy at hand dropped (a distribution's patch): name the versions not compared.
  const unseen =
    verdict.severity === 'critical' && genuine.unseen.length > 0
      ? [`not compared with ${genuine.unseen.map(describeKnown).join(', ')}: no copy at hand; against it the added lines may be fewer`]
      : [];
  return {
    category: 'm4-lookalike',
    ...verdict,
    reasons: [claim, ...sameSerialReasons(added, genuine.file), ...unseen],
    evidence: { ...evidence, ...(added.signals.length > 0 ? { signals: added.signals } : {}) },
  };
}

/**
 * The genuine file as a bootstrap script of the tag edits it after copying
 * it in (APR's buildconf: libtool.m4's LIBTOOL line), byte for byte: the
 * edit is the script's own sed line, applied here (script-edit.ts).
 */
async function editedByScript(path: string, file: KnownFile, genuine: Buffer, text: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const edit = await scriptEditOf(path, ctx);
  if (!edit || applySubstitutions(genuine.toString('latin1'), edit.substitutions) !== text) return undefined;
  return {
    category: 'known-good',
    severity: 'low',
    reasons: [
      `${describeKnown(file)} as the tag's ${edit.script} edits it after copying it in: ${edit.line}`,
      "byte for byte: that sed edit, applied to the genuine file, gives the release's",
    ],
  };
}

/** Added lines named in reasons; the diff shows them all. */
const shownLines = 5;

/**
 * A same-serial look-alike is critical when its differences from the nearest
 * genuine version add a command, a signal or a code path: that is where a
 * planted payload has to live. Data and comments alone (a distribution's
 * search-path patch) are high: a human reads the diff, nothing new runs.
 */
function sameSerialVerdict(added: AddedCode): { severity: 'critical' | 'high' } {
  return { severity: added.code.length > 0 || added.signals.length > 0 ? 'critical' : 'high' };
}

function sameSerialReasons(added: AddedCode, genuine: KnownFile): string[] {
  const against = `the nearest genuine ${describeKnown(genuine)}`;
  if (added.code.length === 0 && added.signals.length === 0) {
    const named: Partial<Record<AddedLine['kind'], string>> = { structure: 'punctuation', narrowed: 'narrowed case patterns' };
    const kinds = [...new Set(added.lines.map((l) => named[l.kind] ?? `${l.kind}s`))];
    const what = added.lines.length === 0 ? 'it only removes or reorders lines' : `its ${added.lines.length} added line${added.lines.length === 1 ? ' is' : 's are'} ${kinds.join(' and ')} only`;
    return [
      `diff against ${against}: ${what}; no command, no signal, no new code path`,
      'high, not critical: a patched copy (a distribution\'s, or a local edit) whose diff a human must read; nothing the genuine macro does not already run',
    ];
  }
  const bySignal = added.signals.map((h) => ({ line: h.line, why: signalNamed(h.signal)?.title ?? h.signal }));
  const items = [...added.code.map((l) => ({ line: l.line, why: l.why ?? l.kind })), ...bySignal].sort((a, b) => a.line - b.line);
  const shown = items.slice(0, shownLines).map((i) => `line ${i.line}: ${i.why}`);
  const more = items.length > shownLines ? ` and ${items.length - shownLines} more` : '';
  return [`diff against ${against}: it adds code the genuine macro does not run (${shown.join('; ')}${more})`];
}
