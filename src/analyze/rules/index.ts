import type { Rule } from '../rule.js';
import { autotoolsOutput } from './autotools-output.js';
import { bootstrapOutput, recipeDiff, wholeScriptOutput } from './bootstrap-output.js';
import { buildSignals } from './build-signals.js';
import { changelog } from './changelog.js';
import { changelogHistory } from './changelog-history.js';
import { collectedLines } from './collected-lines.js';
import { configuredTemplate } from './configured-template.js';
import { maintainerMode } from './maintainer-mode.js';
import { copiedFromTag } from './copied-from-tag.js';
import { dependencyLines } from './dependency-lines.js';
import { duplicateEntry } from './duplicate-entry.js';
import { echoedFile } from './echoed-file.js';
import { exportIgnored } from './export-ignored.js';
import { fromHistory } from './from-history.js';
import { generatedDocs } from './generated-docs.js';
import { generatedManpage } from './generated-manpage.js';
import { gettextCatalog } from './gettext-catalog.js';
import { gettextizeEdit } from './gettextize-edit.js';
import { knownGood } from './known-good.js';
import { lfsObject } from './lfs-object.js';
import { m4Serial } from './m4-serial.js';
import { modeChange } from './mode-change.js';
import { nameCollision } from './name-collision.js';
import { notShipped } from './not-shipped.js';
import { poRefresh } from './po-refresh.js';
import { npmManifest } from './npm-manifest.js';
import { parserOutput, swigOutput } from './parser-output.js';
import { pythonSdist } from './python-sdist.js';
import { renderedFigure } from './rendered-figure.js';
import { renderedManpage } from './rendered-manpage.js';
import { specialFile } from './special-file.js';
import { submoduleContent } from './submodule-content.js';
import { translationCatalog } from './translation-catalog.js';
import { trimmedCopy } from './trimmed-copy.js';
import { distHookEdit, makeRuleOutput } from './recipe-output.js';
import { texinfoOutput } from './texinfo-output.js';
import { typeChange } from './type-change.js';
import { unexplained } from './unexplained.js';
import { unsafeEntry } from './unsafe-entry.js';
import { versionFile } from './version-file.js';
import { vcsKeywords } from './vcs-keywords.js';
import { gitLogTime } from './git-log-time.js';
import { unconverted } from './unconverted.js';
import { versionStamp } from './version-stamp.js';

/**
 * The rules in the order they are asked. The first that returns a judgement
 * decides a change; `unexplained` comes last and catches the rest.
 *
 * 1. Hostile archive tricks first, so nothing can explain them away.
 * 2. Provenance by exact content (LFS object, a copy of a tag file, a known
 *    file of the build tools): the bytes are genuine wherever they sit.
 * 3. Look-alikes of known m4 macros and build code that hides and runs data,
 *    before any rule that explains a file by its shape: a generated-looking
 *    file carrying such code must not be explained by its header.
 * 4. Generated files, each explained only when it has the shape it claims.
 * 5. What is left: files not shipped, mode changes, files a bootstrap
 *    claims to have written (explained only when re-running it gives their
 *    bytes), the unexplained.
 */
export const rules: readonly Rule[] = [
  nameCollision,
  unsafeEntry,
  duplicateEntry,
  specialFile,
  typeChange,
  exportIgnored,
  submoduleContent,
  lfsObject,
  copiedFromTag,
  unconverted,
  knownGood,
  m4Serial,
  buildSignals,
  autotoolsOutput,
  parserOutput,
  swigOutput,
  gettextCatalog,
  translationCatalog,
  poRefresh,
  // Matches a ChangeLog with the history; the layout rule after it judges one without history.
  changelogHistory,
  changelog,
  versionFile,
  configuredTemplate,
  maintainerMode,
  echoedFile,
  gitLogTime,
  collectedLines,
  dependencyLines,
  gettextizeEdit,
  texinfoOutput,
  generatedManpage,
  generatedDocs,
  pythonSdist,
  npmManifest,
  renderedManpage,
  renderedFigure,
  // Prove a dist-hook's sed edits, and a Makefile.am rule's output, by re-running them on the tag's files.
  distHookEdit,
  makeRuleOutput,
  trimmedCopy,
  vcsKeywords,
  // Diffs every modified text file it sees, so it comes last among the explainers.
  versionStamp,
  // Only what no shape explains: content found in history names its origin, not its legitimacy.
  fromHistory,
  notShipped,
  modeChange,
  // Proves what a bootstrap wrote by re-running it: the tag's own script whole, then the command a header names.
  wholeScriptOutput,
  // What make wrote with other bytes: the diff, for a file no rule explains.
  recipeDiff,
  bootstrapOutput,
  unexplained,
];
