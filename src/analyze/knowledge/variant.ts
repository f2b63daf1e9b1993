import { applyPatch, createPatch } from 'diff';
import { hashFile } from './hash.js';
import type { KnownFile, VendorVariant } from './types.js';

/**
 * Vendor variants are shipped as a diff from their upstream file, whose text
 * the knowledge already holds: a few hundred bytes each instead of another
 * copy of a 300 KB libtool.m4. The text is rebuilt exactly (no fuzz) and
 * checked against the variant's blob id before any diff is shown against it.
 */

/** The diff stored in the index: hunks only, three lines of context, from the upstream bytes to the variant's. */
export function variantDiff(base: Buffer, variant: Buffer): string {
  const patch = createPatch('file', base.toString('latin1'), variant.toString('latin1'), '', '', { context: 3 });
  return patch.slice(patch.indexOf('@@'));
}

/** The variant's bytes from its upstream bytes, or undefined when the diff does not rebuild exactly the file indexed. */
export function variantBytes(file: KnownFile, base: Buffer): Buffer | undefined {
  if (!file.variant) return undefined;
  const text = applyPatch(base.toString('latin1'), file.variant.diff);
  if (text === false) return undefined;
  const bytes = Buffer.from(text, 'latin1');
  return hashFile(bytes).blobId === file.blobId ? bytes : undefined;
}

/** The upstream file a variant was patched from, as the library knows it (by name and blob id). */
export function variantBase(file: KnownFile): KnownFile | undefined {
  if (!file.variant) return undefined;
  const { variant, ...rest } = file;
  return { ...rest, blobId: variant.base };
}

/** `as patched by PLD Linux libtool-2.4.7-10 (libtool-libdirs.patch)`. */
export function describeVariant(variant: VendorVariant): string {
  return `as patched by ${variant.distribution} ${variant.release} (${variant.patches.join(', ')})`;
}

/** Whether a record's variant field has the shape the loader needs (user libraries may carry anything). */
export function isVariant(value: unknown): value is VendorVariant {
  const v = value as Partial<VendorVariant> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.distribution === 'string' &&
    typeof v.release === 'string' &&
    Array.isArray(v.patches) &&
    v.patches.every((p) => typeof p === 'string') &&
    typeof v.base === 'string' &&
    typeof v.diff === 'string'
  );
}
