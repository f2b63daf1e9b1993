import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lineDistance } from '../../src/analyze/added-code.js';
import { hashFile } from '../../src/analyze/knowledge/hash.js';
import { nearestGenuine, variantBound } from '../../src/analyze/knowledge/nearest.js';
import type { KnowledgeLookup, KnownFile } from '../../src/analyze/knowledge/types.js';
import { variantDiff } from '../../src/analyze/knowledge/variant.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const words = ['fi', 'done', 'esac', ';;', '', 'x=1', 'y=2', 'echo a', 'echo b', 'case $host in', 'cygwin*)', 'msys*)', 'linux*)', 'then', 'else'];
const edit = (lines: string[], next: () => number, edits: number): string[] => {
  const out = [...lines];
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(next() * (out.length + 1));
    const word = `${words[Math.floor(next() * words.length)]!}${next() < 0.3 ? ` ${k}` : ''}`;
    const op = next();
    if (op < 0.4) out.splice(at, 0, word);
    else if (op < 0.7 && out.length > 1) out.splice(Math.min(at, out.length - 1), 1);
    else out[Math.min(at, out.length - 1)] = word;
  }
  return out;
};

function library(texts: Map<string, Buffer>): KnowledgeLookup {
  return { byHash: () => [], byName: () => [], content: async (f) => texts.get(f.blobId) };
}

test('variantBound never exceeds the true distance to the variant', () => {
  const next = random(7);
  for (let round = 0; round < 300; round++) {
    const base = edit(Array.from({ length: 40 }, (_, i) => words[i % words.length]!), next, 10).join('\n');
    const variant = edit(base.split('\n'), next, 1 + Math.floor(next() * 6)).join('\n') + (next() < 0.2 ? '' : '\n');
    const release = edit(variant.split('\n'), next, Math.floor(next() * 8)).join('\n');
    const counts = new Map<string, number>();
    for (const l of release.split('\n')) counts.set(l.trim(), (counts.get(l.trim()) ?? 0) + 1);
    const diff = variantDiff(Buffer.from(base), Buffer.from(variant));
    const bound = variantBound(diff, lineDistance(base, release), counts);
    assert.ok(bound <= lineDistance(variant, release), `round ${round}: bound ${bound} > ${lineDistance(variant, release)}`);
    // With the upstream file's lines: tighter, never past the distance.
    const withBase = variantBound(diff, lineDistance(base, release), counts, new Set(base.split('\n').map((l) => l.trim())));
    assert.ok(withBase >= bound && withBase <= lineDistance(variant, release), `round ${round}: bound with the upstream lines ${withBase}, without ${bound}, distance ${lineDistance(variant, release)}`);
  }
});

test('variantBound: a final newline a variant drops, and lines outside any hunk', () => {
  const counts = (text: string) => {
    const m = new Map<string, number>();
    for (const l of text.split('\n')) m.set(l.trim(), (m.get(l.trim()) ?? 0) + 1);
    return m;
  };
  // The variant drops the final newline, and with it the empty last line the release does not have either.
  const [base, variant, release] = ['a\nb\n', 'a\nc', 'a\nc'];
  const diff = variantDiff(Buffer.from(base), Buffer.from(variant));
  assert.is(lineDistance(base, release), 3);
  assert.is(lineDistance(variant, release), 0);
  assert.ok(variantBound(diff, 3, counts(release)) <= 0);
  // The bound is not loose where it need not be: adding lines the release lacks counts them.
  const longer = variantDiff(Buffer.from('a\nb\n'), Buffer.from('a\nx\ny\nb\n'));
  assert.is(variantBound(longer, 0, counts('a\nb\n')), 2);
  assert.is(lineDistance('a\nx\ny\nb\n', 'a\nb\n'), 2);
  // A header line outside the hunks is not an added line.
  assert.is(variantBound(`+++ b/file\n${longer}`, 0, counts('a\nb\n')), 2);
});

test('nearestGenuine picks what comparing every candidate picks, ties to the earliest', async () => {
  const next = random(11);
  for (let round = 0; round < 60; round++) {
    const texts = new Map<string, Buffer>();
    const candidates: KnownFile[] = [];
    const origin = { package: 'libtool', version: '2.4.6' };
    const add = (bytes: Buffer, variantOf?: { base: Buffer }): KnownFile => {
      const { blobId, sha256 } = hashFile(bytes);
      texts.set(blobId, bytes);
      const file: KnownFile = { name: 'ltmain.sh', path: `p${candidates.length}`, blobId, sha256, size: bytes.length, origin };
      if (variantOf) file.variant = { distribution: 'D', release: 'r', patches: ['p'], source: 'https://example.org/packaging@0', base: hashFile(variantOf.base).blobId, diff: variantDiff(variantOf.base, bytes) };
      candidates.push(file);
      return file;
    };
    const bases = Array.from({ length: 3 }, () => Buffer.from(`${edit(Array.from({ length: 30 }, (_, i) => words[(i * 7) % words.length]!), next, 12).join('\n')}\n`));
    for (const b of bases) add(b);
    for (let v = 0; v < 6; v++) {
      const base = bases[Math.floor(next() * bases.length)]!;
      add(Buffer.from(`${edit(base.toString().split('\n'), next, 1 + Math.floor(next() * 4)).join('\n')}`), { base });
    }
    // Variants are looked up by content: the library rebuilds them from their base in real use.
    const release = edit(texts.get(candidates[Math.floor(next() * candidates.length)]!.blobId)!.toString().split('\n'), next, Math.floor(next() * 5)).join('\n');
    const found = await nearestGenuine(candidates, Buffer.from(release, 'latin1'), library(texts));
    const distances = candidates.map((c) => lineDistance(texts.get(c.blobId)!.toString(), release));
    const least = Math.min(...distances);
    assert.is(found.file, candidates[distances.indexOf(least)], `round ${round}`);
  }
});

test('nearestGenuine, with candidates of many sizes, close ones and ties: what comparing every candidate picks, with or without closestInSize', async () => {
  const next = random(5);
  const origin = { package: 'libtool', version: '2.4.7' };
  for (let round = 0; round < 150; round++) {
    const texts = new Map<string, Buffer>();
    const candidates: KnownFile[] = [];
    const start = Array.from({ length: 20 + Math.floor(next() * 60) }, (_, i) => `${words[(i * 5) % words.length]!} ${i % 7}`);
    // A family of versions, each an edit of an earlier one: near and far texts of varied sizes, some equal in distance.
    const versions = [start];
    for (let v = 0; v < 12; v++) versions.push(edit(versions[Math.floor(next() * versions.length)]!, next, Math.floor(next() * 15)));
    for (const lines of versions) {
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      const { blobId, sha256 } = hashFile(bytes);
      texts.set(blobId, bytes);
      candidates.push({ name: 'ltmain.sh', path: `p${candidates.length}`, blobId, sha256, size: bytes.length, origin });
    }
    const release = edit(versions[Math.floor(next() * versions.length)]!, next, Math.floor(next() * 6)).join('\n');
    const distances = candidates.map((c) => lineDistance(texts.get(c.blobId)!.toString(), release));
    const least = Math.min(...distances);
    const found = await nearestGenuine(candidates, Buffer.from(release, 'latin1'), library(texts));
    assert.is(found.file, candidates[distances.indexOf(least)], `round ${round}: distances ${distances.join(' ')}`);
    // closestInSize: the same choice among the candidates nearest in size.
    const size = Buffer.byteLength(release, 'latin1');
    const kept = new Set([...candidates].sort((a, b) => Math.abs(a.size - size) - Math.abs(b.size - size)).slice(0, 5));
    const inPool = candidates.map((c, i) => (kept.has(c) ? distances[i]! : Infinity));
    const near = await nearestGenuine(candidates, Buffer.from(release, 'latin1'), library(texts), { closestInSize: 5 });
    assert.is(near.file, candidates[inPool.indexOf(Math.min(...inPool))], `round ${round}, closestInSize`);
  }
});

test.run();
