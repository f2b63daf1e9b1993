import type { Rule } from '../rule.js';

/**
 * gnulib's git-version-gen writes `.tarball-version` (and automake projects a
 * `.version`) into the release, so a build without git knows its version;
 * others write `VERSION` or `version` the same way, at the top of the tree. The shape is one line: the
 * version, or a `git describe` string for a snapshot.
 */
const names = new Set(['.tarball-version', '.version', 'version', 'VERSION', 'package_version']);
/**
 * Xiph's projects (opus, opusfile) write `package_version` at `make dist` as one
 * shell assignment, `PACKAGE_VERSION="1.3.1"`, which configure sources: only
 * that exact shape is read, the value a version string.
 */
const assigned = /^PACKAGE_VERSION="([^"$`\\]*)"$/;
/** gtk-doc's `version.xml`, written by configure from `version.xml.in`, may sit in any folder. */
const anywhere = new Set(['version.xml']);
const describe = /^v?(\d+(?:\.\d+)+(?:[-.~]?(?:rc|alpha|beta|pre)\d*)?)(?:-\d+-g[0-9a-f]{7,40})?(?:-dirty)?$/;
/** The fallback version a GIT-VERSION-GEN script states (`DEF_VER=0.21.GITGUI`), used outside a git checkout. */
const defaultVersion = /^DEF_VER=v?([0-9A-Za-z][0-9A-Za-z.+~-]*)\s*$/m;

/**
 * A `version` file beside a GIT-VERSION-GEN in the tag, holding the version
 * that script falls back to: git's `make dist` has git-gui write
 * `git-gui/version` from a tree that is not git-gui's own checkout, so
 * git-gui states its `DEF_VER`.
 */
async function fallbackVersion(path: string, text: string, ctx: Parameters<Rule['judge']>[1]): Promise<string | undefined> {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const script = ctx.tagByPath.get(`${dir}GIT-VERSION-GEN`);
  if (script?.type !== 'file' || script.size > 64 * 1024) return undefined;
  const stated = defaultVersion.exec((await ctx.tagContent(script)).toString('utf8'))?.[1];
  return stated !== undefined && stated === text ? script.path : undefined;
}

/**
 * GnuPG's projects (libgpg-error 1.51, libassuan 3.0.2) have autoconf write
 * `VERSION` while it reads configure.ac (`m4_esyscmd([echo ]mym4_version[>VERSION])`,
 * then the commit id): two lines, the release's version and the tag's
 * commit, whole. Only that exact content is explained.
 */
function versionAndCommit(text: string, ctx: Parameters<Rule['judge']>[1]): ReturnType<Rule['judge']> {
  const [version, commit, ...rest] = text.split('\n');
  const tag = ctx.tagCommit?.id;
  if (rest.length > 0 || !ctx.releaseVersion || version !== ctx.releaseVersion || !tag || commit !== tag) return undefined;
  return {
    category: 'version-file',
    severity: 'low',
    reasons: [`two lines: the release's version ${version} and the tag's commit ${tag.slice(0, 12)}, whole, as configure.ac's m4_esyscmd writes them while autoconf runs (GnuPG's projects)`],
  };
}

export const versionFile: Rule = {
  name: 'version-file',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    const name = change.path.slice(change.path.lastIndexOf('/') + 1);
    const beside = name === 'version' && change.path !== name;
    if (release?.type !== 'file' || !(names.has(change.path) || anywhere.has(name) || beside) || release.size > 200) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content) return undefined;
    const text = content.toString('utf8').replace(/\r?\n$/, '');
    if (text.includes('\n')) return change.path === 'VERSION' ? versionAndCommit(text, ctx) : undefined;
    if (beside) {
      const script = await fallbackVersion(change.path, text.trim(), ctx);
      if (!script) return undefined;
      return {
        category: 'version-file',
        severity: 'low',
        reasons: [`one line, ${JSON.stringify(text.trim())}: the version ${script} in the tag falls back to (DEF_VER) outside a git checkout of its own, as its dist-version target writes it`],
      };
    }
    const value = name === 'package_version' ? assigned.exec(text.trim())?.[1] : text.trim();
    if (value === undefined) return undefined;
    const match = describe.exec(value);
    if (!match) return undefined;
    const expected = ctx.releaseVersion;
    if (expected !== undefined && match[1] !== expected) return undefined;
    return {
      category: 'version-file',
      severity: 'low',
      reasons: [
        `one line, ${JSON.stringify(text.trim())}: ${expected !== undefined ? `the release's version ${expected}` : 'a version string'}${value === match[1] ? '' : ' in git describe form'}`,
      ],
    };
  },
};
