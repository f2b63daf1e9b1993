import type { ReleaseEntry } from '../../release/entry.js';
import { imageFormat, pdfInert, pdfMayAct } from '../document-shape.js';
import { isBinary, splitPath } from '../places.js';
import { escapeRegExp } from '../regexp.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import { tagPathsIn } from '../tag-index.js';

/**
 * What automake's texinfo support writes at `make dist`: the manual rendered
 * by makeinfo (`X.info`, `X.info-N`), and `version.texi` (or `vers-N.texi`)
 * with its `stamp-vti` twin, four `@set` lines that mdate-sh fills with the
 * version and the manual's date, and the manual's PDF where a dist-hook
 * copies it (pdfManual). Each is explained only next to a Texinfo source in
 * the tag.
 */
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const texinfoExtensions = ['.texi', '.texinfo', '.txi'];
/**
 * `This is gpgrt.info, produced by makeinfo version 6.5 from gpgrt.texi.`,
 * which makeinfo breaks before the source's name when the line grows long
 * (pinentry 1.3.1: `… version 6.8 from` and `pinentry.texi.` below it).
 */
const infoHeader = /^This is (\S+), produced by [Mm]akeinfo version ([\d.]+) from[ \t]*\n?[ \t]*(\S+?)\.?[ \t]*$/m;
const versionLine = /^@set (?:UPDATED|UPDATED-MONTH|EDITION|VERSION) [\w .,:+-]+$/;

/** The bytes without makeinfo's index cookies, `\0\b[index\0\b]` and `\0\b[/index\0\b]`. */
function withoutIndexCookies(content: Buffer): Buffer {
  const cookie = Buffer.from('\0\b[');
  if (content.indexOf(cookie) < 0) return content;
  return Buffer.from(content.toString('latin1').replace(/\0\x08\[\/?index\0\x08\]/g, ''), 'latin1');
}

function texinfoSources(dir: string, ctx: AnalysisContext): string[] {
  return tagPathsIn(ctx, dir).filter((p) => texinfoExtensions.some((e) => p.endsWith(e)));
}

/**
 * The PDF automake's `make pdf` makes of a manual a Makefile.am beside it
 * lists in a `*_TEXINFOS` variable, copied into the release by a dist-hook
 * (libffi 3.4.4: `cd doc; make pdf; cp *.pdf $$d/doc`), with nothing in it
 * that acts when opened (pdfMayAct: object streams, as pdfTeX writes them,
 * are read too).
 */
async function pdfManual(dir: string, stem: string, release: ReleaseEntry, ctx: AnalysisContext): Promise<Judgement | undefined> {
  const source = texinfoExtensions.map((e) => join(dir, stem + e)).find((p) => ctx.tagByPath.get(p)?.type === 'file');
  const am = ctx.tagByPath.get(join(dir, 'Makefile.am'));
  if (!source || am?.type !== 'file') return undefined;
  const listed = new RegExp(`^\\w*_TEXINFOS\\s*\\+?=(?:[^\\n]*\\\\\\n)*[^\\n]*(?:^|[\\s=])${escapeRegExp(source.slice(dir ? dir.length + 1 : 0))}(?:\\s|\\\\|$)`, 'm');
  const text = (await ctx.tagContent(am).catch(() => undefined))?.toString('utf8');
  if (!text || !listed.test(text)) return undefined;
  const content = await ctx.releaseContent(release);
  if (!content || imageFormat(content) !== 'PDF' || pdfMayAct(content)) return undefined;
  return {
    category: 'texinfo-output',
    severity: 'low',
    reasons: [
      `the PDF manual automake makes of ${source}, which ${join(dir, 'Makefile.am')} lists among its Texinfo manuals`,
      pdfInert,
    ],
  };
}

export const texinfoOutput: Rule = {
  name: 'texinfo-output',
  changes: ['only-in-release'],
  async judge(change, ctx): Promise<Judgement | undefined> {
    const release = change.release;
    if (release?.type !== 'file') return undefined;
    const { dir, name } = splitPath(change.path);
    const pdf = /^(.+)\.pdf$/.exec(name);
    if (pdf) return pdfManual(dir, pdf[1]!, release, ctx);
    const info = /^(.+)\.info(?:-\d+)?$/.exec(name);
    const versions = /^(?:version\.texi|vers-\d+\.texi|stamp-vti|stamp-\d+)$/.test(name);
    if (!info && !versions) return undefined;
    const content = await ctx.releaseContent(release);
    // makeinfo marks index nodes with NUL bytes (`\0\b[index\0\b]`); any other NUL makes the file binary.
    if (!content || isBinary(info ? withoutIndexCookies(content) : content)) return undefined;
    const text = content.toString('utf8');
    if (info) {
      const header = infoHeader.exec(text.slice(0, 1024));
      if (!header) return undefined;
      const source = join(dir, header[3]!);
      if (ctx.tagByPath.get(source)?.type !== 'file') return undefined;
      return {
        category: 'texinfo-output',
        severity: 'low',
        reasons: [`Info manual produced by makeinfo ${header[2]} (header present)`, `its source ${source} is in the tag`],
      };
    }
    const lines = text.replace(/\n$/, '').split('\n');
    if (lines.length > 4 || !lines.every((l) => versionLine.test(l))) return undefined;
    const version = ctx.releaseVersion;
    const set = lines.find((l) => l.startsWith('@set VERSION '))?.slice('@set VERSION '.length);
    if (version !== undefined && set !== version) return undefined;
    const sources = texinfoSources(dir, ctx);
    if (sources.length === 0) return undefined;
    return {
      category: 'texinfo-output',
      severity: 'low',
      reasons: [`only @set lines for the manual's version and date${set ? ` (VERSION ${set})` : ''}`, `Texinfo source ${sources[0]} is in the tag`],
    };
  },
};
