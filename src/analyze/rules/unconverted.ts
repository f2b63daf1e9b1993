import type { ArchiveAttributes } from '../../git/types.js';
import type { Rule } from '../rule.js';

/** The conversions the tag's attributes ask git archive for, as the reason names them. */
function conversions(attrs: ArchiveAttributes | undefined): string[] {
  if (!attrs) return [];
  return [
    ...(attrs.exportSubst ? ['export-subst (its `$Format:…$` placeholders filled in)'] : []),
    ...(attrs.ident ? ['ident (`$Id$` expanded)'] : []),
    ...(attrs.eol === 'crlf' ? ['eol=crlf (line ends made CRLF)'] : []),
    ...(attrs.workingTreeEncoding !== undefined ? [`working-tree-encoding=${attrs.workingTreeEncoding}`] : []),
  ];
}

/**
 * A file the tag's attributes have git archive convert (export-subst, ident,
 * eol, working-tree-encoding), which the release ships as committed: the
 * tag's own blob, byte for byte, with nothing converted. Such a release was
 * made another way than git archive (`make dist` copies the working tree:
 * libqb 2.0.6's configure.ac keeps `$Format:%h??%D$`). The content is the
 * tag's; only the placeholders git archive fills in are left as they are.
 */
export const unconverted: Rule = {
  name: 'unconverted',
  changes: ['modified'],
  judge(change) {
    const { release, tag } = change;
    if (release?.type !== 'file' || tag?.type !== 'file' || change.modeDiffers) return undefined;
    if (release.blobId === undefined || release.blobId !== tag.oid || change.expectedOid === undefined || change.expectedOid === tag.oid) return undefined;
    const asked = conversions(change.attributes);
    return {
      category: 'version-stamp',
      severity: 'info',
      reasons: [
        `identical to the tag's file as committed (blob ${tag.oid.slice(0, 12)}), without the conversion${asked.length === 1 ? '' : 's'} git archive makes for it: ${asked.join(', ') || 'its attributes'}`,
        'a release made another way than git archive (make dist copies the files as they are in git)',
      ],
      evidence: { matches: [{ source: 'tag', path: change.path, blobId: tag.oid }] },
    };
  },
};
