import { diffLines } from 'diff';
import { isBinary, splitPath } from '../places.js';
import type { AnalysisContext, Judgement, Rule } from '../rule.js';
import type { Change } from '../../compare/change.js';

/**
 * What `python -m build --sdist` (and `setup.py sdist`) adds to a Python
 * project's tree: `PKG-INFO` with the core metadata, setuptools' `*.egg-info/`
 * folder, and an `[egg_info]` section appended to `setup.cfg`. Each is
 * explained only in its own shape, and only when the tag is a Python project
 * (`pyproject.toml`, `setup.py` or `setup.cfg` at its top). pip regenerates
 * the metadata when it builds from the sdist; none of these files is code.
 */

const projectFiles = ['pyproject.toml', 'setup.py', 'setup.cfg'];
/** Core metadata: `Metadata-Version`, then `Name` and `Version` among RFC 822 style fields. */
const metadataVersion = /^Metadata-Version: \d+\.\d+\r?\n/;
const field = (text: string, name: string) => new RegExp(`^${name}: *(.+?)\\r?$`, 'm').exec(text)?.[1];
/** The egg-info files setuptools writes, each with the shape of its lines. */
const eggInfo: Record<string, (line: string, ctx: AnalysisContext) => boolean> = {
  'SOURCES.txt': (line, ctx) => ctx.tagByPath.has(line) || ctx.releaseOnly?.has(line) === true,
  'dependency_links.txt': (line) => /^https?:\/\/\S+$/.test(line),
  'top_level.txt': (line) => /^[A-Za-z_][\w.]*$/.test(line),
  'namespace_packages.txt': (line) => /^[A-Za-z_][\w.]*$/.test(line),
  // Requirement specifiers and [extra] sections.
  'requires.txt': (line) => /^(\[[\w.:<>=!;" -]*\]|[A-Za-z0-9][\w.-]*(\[[\w,.-]+\])?\s*([<>=!~]=?\s*[\w.*+-]+\s*,?\s*)*(;.*)?)$/.test(line),
  // Entry points: `[group]` headers and `name = module:attr [extras]`.
  'entry_points.txt': (line) => /^(\[[\w.-]+\]|[\w.-]+ *= *[\w.]+(:[\w.]+)?( *\[[\w, -]+\])?)$/.test(line),
  'not-zip-safe': () => false,
  'zip-safe': () => false,
};

function pythonProject(ctx: AnalysisContext): string | undefined {
  return projectFiles.find((p) => ctx.tagByPath.get(p)?.type === 'file');
}

async function text(change: Change, ctx: AnalysisContext): Promise<string | undefined> {
  if (change.release?.type !== 'file' || change.release.size > 1024 * 1024) return undefined;
  const content = await ctx.releaseContent(change.release);
  return content && !isBinary(content) ? content.toString('utf8') : undefined;
}

function pkgInfo(body: string, ctx: AnalysisContext, where: string): Judgement | undefined {
  if (!metadataVersion.test(body)) return undefined;
  const name = field(body, 'Name');
  const version = field(body, 'Version');
  if (!name || !version) return undefined;
  // The version the release claims must be the one in the metadata, when known.
  if (ctx.releaseVersion !== undefined && version !== ctx.releaseVersion && version.replace(/^v/, '') !== ctx.releaseVersion) return undefined;
  return {
    category: 'python-sdist',
    severity: 'low',
    reasons: [`core metadata the sdist build writes (${name} ${version}); the tag is a Python project (${where})`],
  };
}

function eggInfoFile(name: string, body: string, ctx: AnalysisContext, where: string): Judgement | undefined {
  const check = eggInfo[name];
  if (!check) return undefined;
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.every((l) => check(l.trim(), ctx))) return undefined;
  return {
    category: 'python-sdist',
    severity: 'low',
    reasons: [`setuptools' ${name} in its egg-info shape (${lines.length} line${lines.length === 1 ? '' : 's'}); the tag is a Python project (${where})`],
  };
}

/** setup.cfg with only setuptools' `[egg_info]` section (tag_build, tag_date, tag_svn_revision) added. */
async function setupCfg(change: Change, body: string, ctx: AnalysisContext): Promise<Judgement | undefined> {
  if (change.tag?.type !== 'file') return undefined;
  const before = (await ctx.tagContent(change.tag)).toString('utf8');
  const parts = diffLines(before, body);
  if (parts.some((p) => p.removed && p.value.trim() !== '')) return undefined;
  const added = parts.filter((p) => p.added).map((p) => p.value).join('');
  const lines = added.split(/\r?\n/).filter((l) => l.trim() !== '');
  const shape = /^(\[egg_info\]|tag_(build|date|svn_revision) *= *[\w.+-]*)$/;
  if (lines.length === 0 || lines[0] !== '[egg_info]' || !lines.every((l) => shape.test(l.trim()))) return undefined;
  // The section goes at the end, where `setup.py egg_info` appends it.
  if (!body.trimEnd().endsWith(lines[lines.length - 1]!)) return undefined;
  return {
    category: 'python-sdist',
    severity: 'low',
    reasons: ['setuptools appended its [egg_info] section (tag_build, tag_date) when it built the sdist; nothing else changed'],
  };
}

export const pythonSdist: Rule = {
  name: 'python-sdist',
  changes: ['only-in-release', 'modified'],
  async judge(change, ctx) {
    const where = pythonProject(ctx);
    if (!where) return undefined;
    const { dir, name } = splitPath(change.path);
    const inEggInfo = dir.endsWith('.egg-info') && !dir.slice(0, -'.egg-info'.length).includes('.egg-info');
    if (change.kind === 'modified') {
      if (change.path !== 'setup.cfg') return undefined;
      const body = await text(change, ctx);
      return body === undefined ? undefined : setupCfg(change, body, ctx);
    }
    if (change.path !== 'PKG-INFO' && !inEggInfo) return undefined;
    const body = await text(change, ctx);
    if (body === undefined) return undefined;
    if (name === 'PKG-INFO') return pkgInfo(body, ctx, where);
    return inEggInfo ? eggInfoFile(name, body, ctx, where) : undefined;
  },
};
