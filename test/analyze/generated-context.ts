// A fake AnalysisContext for the rules of generated files: tag files by path
// with their text, release files with their bytes.
import type { AnalysisContext } from '../../src/analyze/rule.js';
import type { ReleaseInfo } from '../../src/analyze/release-info.js';
import type { Change } from '../../src/compare/change.js';
import type { TagEntry } from '../../src/git/types.js';
import type { ReleaseEntry } from '../../src/release/entry.js';

export const tagFile = (path: string, size = 10): TagEntry => ({ path, type: 'file', mode: 0o100644, oid: `oid:${path}`, size });

export const relFile = (path: string, content: string | Buffer): ReleaseEntry => {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, type: 'file', mode: 0o644, size: bytes.length, blobId: `b:${path}`, sha256: 'f'.repeat(64), content: bytes, index: 0 };
};

/** `tag` maps each tag path to its text (or its bytes). */
export function context(tag: Record<string, string | Buffer>, info: ReleaseInfo = {}): AnalysisContext & ReleaseInfo {
  const entries = Object.keys(tag).map((p) => tagFile(p));
  return {
    tagByPath: new Map(entries.map((e) => [e.path, e])),
    tagByOid: new Map(entries.map((e) => [e.oid, [e]])),
    submodules: [],
    tagContent: async (e) => {
      const content = tag[e.path] ?? '';
      return typeof content === 'string' ? Buffer.from(content) : content;
    },
    releaseContent: async (e) => e.content,
    ...info,
  };
}

export const added = (path: string, content: string | Buffer): Change => ({ kind: 'only-in-release', path, release: relFile(path, content) });
export const modified = (path: string, content: string | Buffer): Change => ({
  kind: 'modified',
  path,
  release: relFile(path, content),
  tag: tagFile(path),
  contentDiffers: true,
});
