/**
 * What a forge URL says by its shape: the repository of
 * `https://github.com/OWNER/REPO/archive/…` or of a project page, and the tag
 * of an archive or release-asset URL (`/archive/refs/tags/v1.2.tar.gz`,
 * `/releases/download/v1.2/…`, GitLab's `/-/archive/v1.2/…`).
 */

const forgeHosts = /^(github\.com|gitlab\.com|codeberg\.org|gitlab\.[a-z0-9.-]+|salsa\.debian\.org|git\.sr\.ht|bitbucket\.org)$/i;

/** The repository a forge URL belongs to (`https://github.com/o/r`); undefined for other hosts. */
export function forgeRepo(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' || !forgeHosts.test(u.hostname)) return undefined;
  const parts = u.pathname.split('/').filter(Boolean);
  // GitLab groups nest (`group/sub/repo`): the path ends before `-`.
  const end = parts.indexOf('-');
  const path = u.hostname.startsWith('gitlab') || u.hostname === 'salsa.debian.org' ? parts.slice(0, end < 0 ? parts.length : end) : parts.slice(0, 2);
  if (path.length < 2) return undefined;
  if (!u.hostname.startsWith('gitlab') && u.hostname !== 'salsa.debian.org' && parts.length > 2 && !['archive', 'releases', 'tags', 'tree', 'blob'].includes(parts[2]!)) return undefined;
  if ((u.hostname.startsWith('gitlab') || u.hostname === 'salsa.debian.org') && end < 0 && parts.length > 4) return undefined;
  return `https://${u.hostname}/${path.join('/').replace(/\.git$/, '')}`;
}

/** The tag an archive or release-asset URL names, if it names one. */
export function forgeTag(url: string): string | undefined {
  const patterns = [
    /\/archive\/refs\/tags\/(.+?)\.(?:tar\.gz|tar\.bz2|tar\.xz|zip)$/,
    /\/releases\/download\/([^/]+)\/[^/]+$/,
    /\/-\/archive\/([^/]+)\/[^/]+$/,
    /github\.com\/[^/]+\/[^/]+\/archive\/([^/]+)\/[^/]+$/,
    /github\.com\/[^/]+\/[^/]+\/archive\/(.+?)\.(?:tar\.gz|zip)$/,
  ];
  for (const p of patterns) {
    const m = p.exec(url);
    if (m) return decodeURIComponent(m[1]!);
  }
  return undefined;
}

/** A signature of `release` among the sources: the same URL with .asc, .sig, .sign or .gpg after it. */
export function signatureOf(release: string, sources: readonly string[]): string | undefined {
  return sources.find((s) => s !== release && s.startsWith(release) && /^\.(asc|sig|sign|gpg)$/.test(s.slice(release.length)));
}

/** Whether a URL or file name looks like a release archive. */
export function isArchiveName(name: string): boolean {
  return /\.(tar\.(gz|xz|bz2|zst|lz|lzma)|tgz|tbz2?|txz|zip)$/i.test(name.split(/[?#]/)[0]!);
}
