import type { Rule } from '../rule.js';

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
    if (outcome?.status !== 'ran') return undefined;
    const content = await ctx.releaseContent(release);
    if (!content || !outcome.regenerated.equals(content)) return undefined;
    return {
      category: 'dist-hook-output',
      severity: 'info',
      reasons: [`reproduced byte for byte: the tag's ${change.path} through the sed edits of its dist-hook (${outcome.source}), re-run in the sandbox: ${outcome.command}`],
      evidence: {
        reproduced: { generator: 'sed', tool: 'tag', version: outcome.version, command: outcome.command, normalisations: [], seconds: outcome.seconds, cached: outcome.cached, untrustedInputs: [] },
      },
    };
  },
};
