import type { Judgement, Rule } from '../rule.js';
import type { BootstrapOutcome } from '../../reproduce/bootstrap/prover.js';
import { reproducedBy } from './bootstrap-output.js';
import { bison, flex, type ParserTool } from '../../reproduce/generators/parsers.js';
import { headerOf } from '../../reproduce/generators/step.js';
import { stabilize } from '../../reproduce/stabilizers.js';
import { reorderedDefinitions } from '../../reproduce/definition-order.js';
import { isBinary } from '../places.js';

/**
 * A file of the tag that a Makefile.am's dist-hook edits with sed as `make
 * dist` copies it (libusb 1.0.26's README: its badge lines deleted, runs of
 * blank lines squeezed, Markdown links unwrapped). Explained only by proof:
 * the tag's copy, put through those sed commands in the sandbox (GNU sed
 * with --sandbox, so a script only edits), gives the release's bytes (see
 * reproduce/bootstrap/dist-hook.ts). With --no-reproduce, or when the edits
 * cannot be re-run or give other bytes, the file is left to the rules after
 * it; the report's notes say what ran.
 */
export const distHookEdit: Rule = {
  name: 'dist-hook-edit',
  changes: ['modified'],
  async judge(change, ctx) {
    const { release, tag } = change;
    if (release?.type !== 'file' || tag?.type !== 'file' || !ctx.bootstrap) return undefined;
    const outcome = await ctx.bootstrap.distHookOutput(change.path);
    const content = outcome?.status === 'ran' ? await ctx.releaseContent(release) : undefined;
    return content && reproduced(outcome!, content, `the tag's ${change.path} through the sed edits of its dist-hook`);
  },
};

/**
 * A file the release ships and the tag does not, which a rule of the
 * Makefile.am beside it in the tag makes with awk, sed or perl from the
 * tag's files (libgpg-error's `src/err-codes.h` from `err-codes.h.in` with
 * `mkstrtable.awk`; gnupg's `common/status-codes.h`). Explained only when
 * that command, re-run on the tag's files in the sandbox, writes the
 * release's bytes (see reproduce/bootstrap/make-rule.ts); else left to the
 * rules after it.
 */
export const makeRuleOutput: Rule = {
  name: 'make-rule-output',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    if (release?.type !== 'file' || !ctx.bootstrap) return undefined;
    const outcome = await ctx.bootstrap.recipeOutput(change.path);
    const content = outcome?.status === 'ran' ? await ctx.releaseContent(release) : undefined;
    const what = `written by the rule of the tag's Makefile.am`;
    return content && (reproduced(outcome!, content, what) ?? normalised(outcome!, content, what));
  },
};

function reproduced(outcome: BootstrapOutcome, content: Buffer, what: string): Judgement | undefined {
  if (outcome.status !== 'ran' || !outcome.regenerated.equals(content)) return undefined;
  return {
    category: 'recipe-output',
    severity: 'info',
    reasons: [`reproduced byte for byte: ${what} (${outcome.source}), re-run in the sandbox: ${outcome.command}`],
    evidence: reproducedBy(outcome),
  };
}

/**
 * A parser or scanner the rule made with bison or flex (util-linux's own
 * `$(BISON) … --defines=…` rule): the same bytes after the normalisations
 * reproduction forgives in that tool's output, named (low), when the version
 * the release's header states is the one that ran here.
 */
function normalised(outcome: BootstrapOutcome, content: Buffer, what: string): Judgement | undefined {
  return parserNormalised(outcome, content, what) ?? definitionsReordered(outcome, content, what);
}

function parserNormalised(outcome: BootstrapOutcome, content: Buffer, what: string): Judgement | undefined {
  if (outcome.status !== 'ran') return undefined;
  const made = parserHeader(outcome.regenerated);
  if (!made || parserHeader(content)?.version !== made.version) return undefined;
  const stable = stabilize(content.toString('utf8'), outcome.regenerated.toString('utf8'), { generator: made.tool, toolVersion: made.version });
  if (stable.release !== stable.regenerated || stable.applied.length === 0) return undefined;
  const evidence = reproducedBy(outcome);
  return {
    category: 'recipe-output',
    severity: 'low',
    reasons: [
      `reproduced: ${what} (${outcome.source}), re-run in the sandbox: ${outcome.command}; ${made.tool} ${made.version} wrote it, after normalising: ${stable.applied.map((n) => `${n.name} (${n.forgives})`).join('; ')}`,
    ],
    evidence: { reproduced: { ...evidence!.reproduced!, normalisations: stable.applied } },
  };
}

/**
 * The same constant definitions in another block order (definition-order.ts):
 * a generator that walks a hash table, as libxml2's python/generator.py
 * writes its enum blocks in `libxml2.py` (low, named).
 */
function definitionsReordered(outcome: BootstrapOutcome, content: Buffer, what: string): Judgement | undefined {
  if (outcome.status !== 'ran' || isBinary(content)) return undefined;
  const found = reorderedDefinitions(content.toString('utf8'), outcome.regenerated.toString('utf8'));
  if (!found) return undefined;
  const normalisation = {
    name: 'definitions-in-another-order',
    forgives: `the same ${found.blocks} blocks of constant definitions in another order, as a generator that walks a hash table writes them (Python 2's dict); ${found.names} names, each defined once, to literal values only`,
  };
  const evidence = reproducedBy(outcome);
  return {
    category: 'recipe-output',
    severity: 'low',
    reasons: [`reproduced: ${what} (${outcome.source}), re-run in the sandbox: ${outcome.command}; after normalising: ${normalisation.name} (${normalisation.forgives})`],
    evidence: { reproduced: { ...evidence!.reproduced!, normalisations: [normalisation] } },
  };
}

/** The tool and version a bison parser's or flex scanner's header states, from its first bytes. */
function parserHeader(bytes: Buffer): { tool: ParserTool; version: string } | undefined {
  const head = bytes.subarray(0, 4096).toString('latin1');
  for (const step of [bison, flex]) {
    const version = headerOf(step, head)?.version;
    if (version) return { tool: step.tool as ParserTool, version };
  }
  return undefined;
}
