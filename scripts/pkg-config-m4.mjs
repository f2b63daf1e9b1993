// pkg-config's pkg.m4 as each release carries it, from pkg-config's repository,
// for the releases whose tarball the knowledge does not read (Debian serves
// only 0.29.2's, whose tarball has pkg.m4.in, not pkg.m4). Up to 0.28 the
// repository keeps pkg.m4 itself; from 0.29 it keeps pkg.m4.in, which
// configure turns into pkg.m4 (AC_CONFIG_FILES) by putting the release's
// version for @VERSION@, the only substitution the file names. Done here as
// text: nothing of the repository runs. 0.29.2's text is the same, byte for
// byte, as Debian's pkg-config 0.29.2-1 installs, and 0.29.1's as
// keepalived 2.2.7's release carries.
import { run } from './knowledge-run.mjs';

/** Tags of releases: pkg-config-X.Y[.Z]. */
const releaseTag = /^pkg-config-(\d+(?:\.\d+)+)$/;

/**
 * Each release tag's pkg.m4: `{ version, path, bytes }`, oldest first. A tag
 * whose pkg.m4.in names a substitution other than @VERSION@ is left out with
 * a warning: its configure's value for it is not known here.
 */
export function pkgM4FromRepo(gitDir) {
  const git = (args) => run('git', ['--git-dir', gitDir, ...args], { encoding: 'latin1' });
  const tags = git(['tag', '--list', 'pkg-config-*', '--sort=version:refname'])
    .split('\n')
    .filter((t) => releaseTag.test(t));
  const out = [];
  for (const tag of tags) {
    const version = releaseTag.exec(tag)[1];
    const listed = new Set(git(['ls-tree', '--name-only', tag]).split('\n'));
    if (listed.has('pkg.m4.in')) {
      const template = git(['show', `${tag}:pkg.m4.in`]);
      const others = [...new Set(template.match(/@[A-Za-z_][A-Za-z0-9_]*@/g) ?? [])].filter((s) => s !== '@VERSION@');
      if (others.length > 0) {
        console.warn(`warning: pkg-config ${version}: pkg.m4.in also names ${others.join(', ')}; skipped`);
        continue;
      }
      out.push({ version, path: `pkg.m4.in@${tag} (configure's @VERSION@)`, bytes: Buffer.from(template.replaceAll('@VERSION@', version), 'latin1') });
    } else if (listed.has('pkg.m4')) {
      out.push({ version, path: `pkg.m4@${tag}`, bytes: Buffer.from(git(['show', `${tag}:pkg.m4`]), 'latin1') });
    }
  }
  return out;
}
