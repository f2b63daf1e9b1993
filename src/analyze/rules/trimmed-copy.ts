import { buildRole, isBinary } from '../places.js';
import type { AnalysisContext, Rule } from '../rule.js';
import { escapeRegExp } from '../regexp.js';

/**
 * A file a dist-hook writes from the tag's copy with lines cut from its start
 * or its end: libffi's Makefile.am has `tail -n +$(($s-1)) README.md >
 * $(distdir)/README.md`, which drops the "Status" heading. Explained when the
 * release's lines are the tag's from some line on (or up to some line), none
 * added or changed, the file is not one the build runs, and a build file of
 * the tag (Makefile.am, GNUmakefile, cfg.mk, maint.mk) names the file on a
 * line that runs `tail` or `head`: the cut is the project's own step.
 */

const maxBytes = 4 * 1024 * 1024;
/** Build files whose dist rules may cut a file: at the top of the tree, and beside the file. */
const ruleFiles = ['Makefile.am', 'GNUmakefile', 'cfg.mk', 'maint.mk'];

type Cut = { from: 'start' | 'end'; lines: number };

/** How `release` is `tag` with whole lines cut from one end, or undefined. */
export function cutFrom(tag: string, release: string): Cut | undefined {
  if (release.length >= tag.length || release.length === 0) return undefined;
  if (tag.endsWith(release) && (tag.length - release.length === 0 || tag[tag.length - release.length - 1] === '\n')) {
    return { from: 'start', lines: tag.slice(0, tag.length - release.length).split('\n').length - 1 };
  }
  if (tag.startsWith(release) && (release.endsWith('\n') || tag[release.length] === '\n')) {
    const rest = tag.slice(release.length).replace(/^\n/, '');
    return { from: 'end', lines: rest.split('\n').length - (rest.endsWith('\n') ? 1 : 0) };
  }
  return undefined;
}

/** The lines of the tag's build files that run tail or head, by build file path, read once a run. */
const cuttingLines = new WeakMap<AnalysisContext['tagByPath'], Map<string, Promise<string[]>>>();

function linesCutting(path: string, ctx: AnalysisContext): Promise<string[]> {
  let byFile = cuttingLines.get(ctx.tagByPath);
  if (!byFile) cuttingLines.set(ctx.tagByPath, (byFile = new Map()));
  let lines = byFile.get(path);
  if (!lines) {
    const entry = ctx.tagByPath.get(path);
    lines =
      entry?.type !== 'file' || (entry.size ?? 0) > 1024 * 1024
        ? Promise.resolve([])
        : ctx.tagContent(entry).then((bytes) =>
            bytes
              .toString('utf8')
              .split('\n')
              .filter((line) => /\b(?:tail|head)\s+(?:-n\s*)?[-+]/.test(line))
              .map((line) => line.trim()),
          );
    byFile.set(path, lines);
  }
  return lines;
}

/** The tag's build file and line that cuts `path` with tail or head, or undefined. */
async function cutBy(path: string, ctx: AnalysisContext): Promise<{ file: string; line: string } | undefined> {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const candidates = [...new Set([...ruleFiles, ...ruleFiles.map((f) => `${dir}${f}`)])];
  const mentions = new RegExp(`(?:^|[\\s/)}])${escapeRegExp(name)}(?:$|[\\s;)])`);
  for (const candidate of candidates) {
    const line = (await linesCutting(candidate, ctx)).find((l) => mentions.test(l));
    if (line !== undefined) return { file: candidate, line };
  }
  return undefined;
}

/** A Markdown code span for text that may hold backticks. */
const codeSpan = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

export const trimmedCopy: Rule = {
  name: 'trimmed-copy',
  changes: ['modified'],
  async judge(change, ctx) {
    const { release, tag } = change;
    if (release?.type !== 'file' || tag?.type !== 'file' || release.size > maxBytes || buildRole(change.path) !== undefined) return undefined;
    // Cheap checks first: a cut copy is smaller, and a build file must cut it. Only then are both read.
    if (tag.size !== undefined && release.size >= tag.size) return undefined;
    const by = await cutBy(change.path, ctx);
    if (!by) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content || isBinary(content)) return undefined;
    const cut = cutFrom((await ctx.tagContent(tag)).toString('latin1'), content.toString('latin1'));
    if (!cut) return undefined;
    return {
      category: 'trimmed-copy',
      severity: 'low',
      reasons: [
        `the tag's ${change.path} without its ${cut.from === 'start' ? 'first' : 'last'} ${cut.lines} line${cut.lines === 1 ? '' : 's'}; nothing added or changed`,
        `${by.file} in the tag cuts it when making the release: ${codeSpan(by.line.length > 160 ? `${by.line.slice(0, 157)}...` : by.line)}`,
      ],
    };
  },
};
