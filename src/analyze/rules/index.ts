import type { Rule } from '../rule.js';
import { autotoolsOutput } from './autotools-output.js';
import { copiedFromTag } from './copied-from-tag.js';
import { duplicateEntry } from './duplicate-entry.js';
import { exportIgnored } from './export-ignored.js';
import { lfsObject } from './lfs-object.js';
import { modeChange } from './mode-change.js';
import { notShipped } from './not-shipped.js';
import { specialFile } from './special-file.js';
import { submoduleContent } from './submodule-content.js';
import { typeChange } from './type-change.js';
import { unexplained } from './unexplained.js';
import { unsafeEntry } from './unsafe-entry.js';

/**
 * The rules in the order they are asked. The first that returns a judgement
 * decides a change; `unexplained` comes last and catches the rest. Rules that
 * recognise hostile archive tricks come first, so nothing can explain them away.
 */
export const rules: readonly Rule[] = [
  unsafeEntry,
  duplicateEntry,
  specialFile,
  typeChange,
  exportIgnored,
  submoduleContent,
  lfsObject,
  copiedFromTag,
  autotoolsOutput,
  notShipped,
  modeChange,
  unexplained,
];
