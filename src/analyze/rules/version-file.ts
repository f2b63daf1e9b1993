import type { Rule } from '../rule.js';

/**
 * gnulib's git-version-gen writes `.tarball-version` (and automake projects a
 * `.version`) into the release, so a build without git knows its version;
 * others write `VERSION` or `version` the same way, at the top of the tree. The shape is one line: the
 * version, or a `git describe` string for a snapshot.
 */
const names = new Set(['.tarball-version', '.version', 'version', 'VERSION']);
/** gtk-doc's `version.xml`, written by configure from `version.xml.in`, may sit in any folder. */
const anywhere = new Set(['version.xml']);
const describe = /^v?(\d+(?:\.\d+)+(?:[-.~]?(?:rc|alpha|beta|pre)\d*)?)(?:-\d+-g[0-9a-f]{7,40})?(?:-dirty)?$/;

export const versionFile: Rule = {
  name: 'version-file',
  changes: ['only-in-release'],
  async judge(change, ctx) {
    const release = change.release;
    const name = change.path.slice(change.path.lastIndexOf('/') + 1);
    if (release?.type !== 'file' || !(names.has(change.path) || anywhere.has(name)) || release.size > 200) return undefined;
    const content = await ctx.releaseContent(release);
    if (!content) return undefined;
    const text = content.toString('utf8').replace(/\r?\n$/, '');
    if (text.includes('\n')) return undefined;
    const match = describe.exec(text.trim());
    if (!match) return undefined;
    const expected = ctx.releaseVersion;
    if (expected !== undefined && match[1] !== expected) return undefined;
    return {
      category: 'version-file',
      severity: 'low',
      reasons: [
        `one line, ${JSON.stringify(text.trim())}: ${expected !== undefined ? `the release's version ${expected}` : 'a version string'}${text.trim() === match[1] ? '' : ' in git describe form'}`,
      ],
    };
  },
};
