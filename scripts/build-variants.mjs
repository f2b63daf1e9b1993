#!/usr/bin/env node
// Adds the distributions' variants of the build tools' files to knowledge/index.json (and index.bin):
// libtool.m4, ltmain.sh, python.m4, lib-link.m4 … as OpenMandriva's, PLD Linux's or
// MSYS2's package installs them, so a release made with autoreconf on such a system is
// explained by name ("libtool 2.4.7 as patched by OpenMandriva libtool-2.4.7-3
// (libtool-2.2.10-rpath.patch)") and a look-alike of one is diffed against it.
//
// Each package of scripts/vendor-patches.json is read at its pinned commit: an RPM spec
// file's Name, Version and Release, the patches it applies (%autosetup/%autopatch: every
// PatchN in number order; otherwise the %patch lines, in order) and their -p level; or an
// Arch-style PKGBUILD's pkgname, pkgver, pkgrel and the patches its prepare() applies. Every
// section of those patches whose file is one the tools copy into releases is applied with
// GNU patch (no fuzz, as rpmbuild runs it; patch's default fuzz of 2 for a PKGBUILD, as
// makepkg runs it) to the upstream file of that package and version that the knowledge
// already holds (texts.bin), or, for a package whose tarball it lacks (libtool 2.4.6), to the
// file of the upstream repository's release commit named by `upstream`. A file touched by several patches gives the
// series, as the package installs it, and each patch alone (distributions share patches:
// OpenMandriva takes its compiler-deps patch to ltmain.sh from Fedora). A patch to
// libtool's build-aux/ltmain.in is applied to ltmain.sh too when it leaves ltmain.sh alone
// (its @VERSION@ … read as ltmain.sh states them): libtool's build regenerates ltmain.sh
// from ltmain.in by inlining, so the distribution's ltmain.sh carries the change. With the
// upstream repository at hand, ltmain.sh is remade instead from the patched ltmain.in
// (scripts/libtool-ltmain.mjs), as the package's build remakes it. Build steps other than
// patches (PLD's sed on ltmain.sh's first line) are not reproduced.
//
// A variant's record holds the diff from its upstream file, not its text: the loader rebuilds
// the text from texts.bin and checks it against the blob id. Records of earlier runs are
// replaced, so `make knowledge` (build-knowledge.mjs, then this) gives the same index.
//
// Usage: node scripts/build-variants.mjs [--knowledge DIR] [--sources FILE]
//   --knowledge DIR  the folder with index.json and texts.bin (default knowledge/).
//   --sources FILE   the packages to read (default scripts/vendor-patches.json).
// Needs git and GNU patch; the packaging repositories are fetched at their commits (a git
// `url.<base>.insteadOf` setting can point them at local mirrors).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option as optionOf, run } from './knowledge-run.mjs';
import { ltmainFromRepo } from './libtool-ltmain.mjs';
import { knownFacts } from '../dist/src/analyze/knowledge/facts.js';
import { writeIndexFiles } from '../dist/src/analyze/knowledge/index-bin.js';
import { readIndex } from '../dist/src/analyze/knowledge/index-file.js';
import { isTrackedName } from '../dist/src/analyze/knowledge/names.js';
import { TextStore } from '../dist/src/analyze/knowledge/texts-file.js';
import { variantBytes, variantDiff } from '../dist/src/analyze/knowledge/variant.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => optionOf(args, name);
const knowledgeDir = resolve(option('--knowledge') ?? join(root, 'knowledge'));
const sourcesPath = resolve(option('--sources') ?? join(root, 'scripts/vendor-patches.json'));
const indexPath = join(knowledgeDir, 'index.json');


/** The packaging repository's files at one commit: fetched alone, the whole history only when the server refuses that. */
function checkout(repo, commit, dir) {
  const gitDir = join(dir, 'git');
  run('git', ['init', '-q', '--bare', gitDir]);
  try {
    run('git', ['--git-dir', gitDir, 'fetch', '-q', '--depth=1', repo, commit]);
  } catch {
    run('git', ['--git-dir', gitDir, 'fetch', '-q', repo, '+refs/heads/*:refs/heads/*']);
  }
  return (path) => Buffer.from(run('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { encoding: 'buffer' }));
}

/** Name, Version, Release and the applied patches (file names, in order, with their -p level) of an RPM spec. */
function parseSpec(text) {
  const tag = (name) => new RegExp(`^${name}:\\s*(\\S+)`, 'mi').exec(text)?.[1];
  const name = tag('Name');
  const version = tag('Version');
  const release = tag('Release')?.replace(/%\{?\??(dist|mkrel)\}?/g, '');
  if (!name || !version || !release) throw new Error('spec without Name, Version or Release');
  const expand = (s) => s.replace(/%\{?name\}?/g, name).replace(/%\{?version\}?/g, version);
  const declared = new Map();
  for (const m of text.matchAll(/^Patch(\d*):\s*(\S+)/gm)) declared.set(Number(m[1] || 0), posix.basename(expand(m[2])));
  const level = (line) => Number(/-p(\d+)/.exec(line)?.[1] ?? 0);
  const auto = /^%(autosetup|autopatch)\b.*$/m.exec(text);
  const patches = auto
    ? [...declared.keys()].sort((a, b) => a - b).map((n) => ({ file: declared.get(n), strip: level(auto[0]) }))
    : [...text.matchAll(/^%patch(?:\s+-P\s*(\d+)|(\d+))?\b.*$/gm)].map((m) => {
        const file = declared.get(Number(m[1] ?? m[2] ?? 0));
        if (!file) throw new Error(`${m[0]}: no such Patch tag`);
        return { file, strip: level(m[0]) };
      });
  return { name, version, release, patches };
}

/**
 * Name, version, release and applied patches of an Arch-style PKGBUILD (MSYS2's
 * packages): pkgbase or the first pkgname, pkgver, pkgrel, and the patches
 * prepare() applies in order, by `patch -pN -i …/FILE` or MSYS2's
 * `apply_patch_with_msg FILE…` (which runs `patch -Nbp1`). Patch files are
 * read beside the PKGBUILD.
 */
function parsePkgbuild(text) {
  const scalar = (name) => new RegExp(`^${name}=(?:\\(\\s*)?['"]?([^'"\\s)]+)`, 'm').exec(text)?.[1];
  const name = scalar('pkgbase') ?? scalar('pkgname');
  const version = scalar('pkgver');
  const release = scalar('pkgrel');
  if (!name || !version || !release) throw new Error('PKGBUILD without pkgname, pkgver or pkgrel');
  const start = text.search(/^prepare\(\)\s*\{/m);
  if (start < 0) return { kind: 'pkgbuild', name, version, release, patches: [] };
  // prepare()'s body up to the closing brace at the start of a line, with continued lines joined.
  const body = text.slice(start, text.indexOf('\n}', start)).replace(/\\\n/g, ' ');
  const patches = [];
  for (const line of body.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'apply_patch_with_msg') {
      for (const w of words.slice(1)) patches.push({ file: posix.basename(w.replace(/["']/g, '')), strip: 1 });
      continue;
    }
    const m = /^patch\b.*?-\w*p(\d+).*?(?:-i\s*|<\s*)["']?(?:\$\{?srcdir\}?\/)?([^\s"']+\.(?:patch|diff))/.exec(line.trim());
    if (m) patches.push({ file: posix.basename(m[2]), strip: Number(m[1]) });
  }
  return { kind: 'pkgbuild', name, version, release, patches };
}

/** The sections of a patch, one per file: the target path (after stripping `strip` components) and the section's text. */
function patchSections(text, strip) {
  const lines = text.split('\n');
  const sections = [];
  let current;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      const target = lines[i + 1].slice(4).split('\t')[0].trim();
      current = { target: target.split('/').slice(strip).join('/'), lines: [line] };
      if (target !== '/dev/null') sections.push(current);
      continue;
    }
    if (/^(diff |Index: |Only in |=====)/.test(line)) current = undefined;
    else if (current) current.lines.push(line);
  }
  return sections.map((s) => ({ target: s.target, text: `${s.lines.join('\n')}\n` }));
}

/** The sections that change tracked files; an ltmain.in section also stands for ltmain.sh when the patch leaves that alone. */
function trackedSections(text, strip) {
  const sections = patchSections(text, strip);
  const targets = new Set(sections.map((s) => s.target));
  const derived = sections
    .filter((s) => s.target.endsWith('build-aux/ltmain.in') && !targets.has(s.target.replace(/\.in$/, '.sh')))
    .map((s) => ({ ...s, target: s.target.replace(/\.in$/, '.sh'), fromTemplate: true }));
  return [...sections, ...derived].filter((s) => isTrackedName(posix.basename(s.target)));
}

/**
 * An ltmain.in hunk as it reads in ltmain.sh: libtool's build replaces
 * `@VERSION@`, `@PACKAGE@` … by the values ltmain.sh assigns them
 * (`VERSION=2.4.7`), so the hunk's context is written with those values.
 */
function substituted(section, bytes) {
  const text = bytes.toString('latin1');
  return section.text.replace(/@([A-Za-z_]+)@/g, (whole, name) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1] ?? whole);
}

/** GNU patch with at most `fuzz` lines of fuzz: the patched bytes, or an error saying which hunk failed. */
function applySection(bytes, section, dir, fuzz) {
  const input = join(dir, 'in');
  const output = join(dir, 'out');
  writeFileSync(input, bytes);
  rmSync(output, { force: true });
  const text = section.fromTemplate ? substituted(section, bytes) : section.text;
  run('patch', ['--batch', `--fuzz=${fuzz}`, '--silent', '--no-backup-if-mismatch', '-o', output, input], { input: Buffer.from(text, 'latin1') });
  return readFileSync(output);
}

const files = await readIndex(indexPath);
const upstream = files.filter((f) => !f.variant);
const texts = new TextStore(join(knowledgeDir, 'texts.bin'));

/**
 * The upstream file a patch section applies to: same package, version and
 * name, the same path when several differ; or, for a package whose release
 * tarball the knowledge lacks (libtool 2.4.6), the file at the upstream tag
 * of its repository, when its text is one the knowledge holds (an m4 macro of
 * the history), so the loader can rebuild the variant from it.
 */
async function baseFor(pkg, version, target, fromGit) {
  const found = await indexedBase(pkg, version, target);
  if (found || !fromGit) return found;
  let bytes;
  try {
    bytes = fromGit(target);
  } catch {
    return undefined;
  }
  const name = posix.basename(target);
  const blobId = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  if (!(await texts.text(name, blobId))) return undefined;
  return { file: { name, blobId, origin: { package: pkg, version } }, bytes };
}

async function indexedBase(pkg, version, target) {
  const name = posix.basename(target);
  const same = upstream.filter((f) => f.origin.package === pkg && f.origin.version === version && f.name === name);
  const byPath = same.filter((f) => f.path.endsWith(`/${target}`));
  const pool = byPath.length > 0 ? byPath : same;
  const blobs = [...new Set(pool.map((f) => f.blobId))];
  if (blobs.length !== 1) return undefined;
  const file = pool[0];
  const bytes = await texts.text(file.name, file.blobId);
  return bytes && { file, bytes };
}

const { packages } = JSON.parse(readFileSync(sourcesPath, 'utf8'));
const variants = [];
const summary = [];
const work = mkdtempSync(join(tmpdir(), 'cuckoo-variants-'));
try {
  for (const [k, source] of packages.entries()) {
    const dir = mkdtempSync(join(work, `${k}-`));
    const showRepo = checkout(source.repo, source.commit, dir);
    const specDir = posix.dirname(source.spec);
    // Patch files sit beside the spec (MSYS2 keeps each package in a folder of one repository).
    const show = (file) => showRepo(file === source.spec || specDir === '.' ? file : posix.join(specDir, file));
    const specText = show(source.spec).toString('utf8');
    const spec = posix.basename(source.spec) === 'PKGBUILD' ? parsePkgbuild(specText) : parseSpec(specText);
    // The upstream repository at the release tag, for files the knowledge has no tarball of.
    let fromGit;
    if (source.upstream) {
      const upstreamDir = mkdtempSync(join(work, `${k}-upstream-`));
      const showUpstream = checkout(source.upstream.repo, source.upstream.ref, upstreamDir);
      fromGit = (target) => showUpstream(target);
    }
    const release = `${spec.name}-${spec.version}-${spec.release}`;
    // Per tracked target: the sections that change it, in the order the package applies them.
    const byTarget = new Map();
    // Each patch's sections of libtool's build-aux/ltmain.in, in order, for remaking ltmain.sh.
    const templateChanges = [];
    for (const patch of spec.patches) {
      const text = show(patch.file).toString('latin1');
      for (const section of trackedSections(text, patch.strip)) {
        if (!byTarget.has(section.target)) byTarget.set(section.target, []);
        byTarget.get(section.target).push({ patch: patch.file, section });
      }
      for (const section of patchSections(text, patch.strip)) if (section.target === 'build-aux/ltmain.in') templateChanges.push({ patch: patch.file, section });
    }
    // GNU patch as the package's build runs it: rpmbuild with no fuzz, makepkg with patch's default of 2.
    const fuzz = spec.kind === 'pkgbuild' ? 2 : 0;
    const before = variants.length;
    for (const [target, sectionChanges] of byTarget) {
      // With the upstream repository, ltmain.sh is remade from the patched ltmain.in, as libtool's
      // build does when ltmain.in is newer: a patch's own ltmain.sh section (MSYS2's msysize patch
      // carries one of libtool 2.4.2.418) is overwritten by that step.
      const remake = fromGit && target === 'build-aux/ltmain.sh' && templateChanges.length > 0 && spec.name === 'libtool';
      const changes = remake ? templateChanges : sectionChanges;
      const base = await baseFor(spec.name, spec.version, target, fromGit);
      if (!base) {
        console.warn(`warning: ${release} (${source.distribution}): no single upstream ${target} of ${spec.name} ${spec.version} in the knowledge; skipped`);
        continue;
      }
      const series = changes.length > 1 ? [changes, ...changes.map((c) => [c])] : [changes];
      for (const applied of series) {
        const patches = applied.map((c) => c.patch);
        let bytes = base.bytes;
        try {
          if (remake) {
            let template = fromGit('build-aux/ltmain.in');
            for (const c of applied) template = applySection(template, c.section, dir, fuzz);
            bytes = ltmainFromRepo((path) => (path === 'build-aux/ltmain.in' ? template : fromGit(path)).toString('latin1'), spec.version);
            if (!bytes) throw new Error('ltmain.sh cannot be made from this repository');
          } else {
            for (const c of applied) bytes = applySection(bytes, c.section, dir, fuzz);
          }
        } catch (err) {
          // A patch alone may need the ones before it (PLD's libx32 patch edits lines its multilib patch adds).
          if (applied !== changes) continue;
          console.warn(`warning: ${release} (${source.distribution}): ${patches.join(' + ')} does not apply to ${target}: ${String(err.message).split('\n')[0]}`);
          continue;
        }
        const name = base.file.name;
        const origin = base.file.origin;
        const file = {
          name,
          path: `${release} (${source.distribution}):${target}`,
          ...knownFacts(name, bytes, origin),
          origin,
          variant: { distribution: source.distribution, release, patches, source: `${source.repo.replace(/\.git$/, '')}@${source.commit}`, base: base.file.blobId, diff: variantDiff(base.bytes, bytes) },
        };
        if (file.blobId === base.file.blobId || variants.some((v) => v.name === name && v.blobId === file.blobId)) continue;
        // The loader rebuilds the text from the diff: prove now that it will.
        if (!variantBytes(file, base.bytes)?.equals(bytes)) throw new Error(`${release}: the diff of ${target} does not rebuild it`);
        variants.push(file);
      }
    }
    summary.push(`${release} (${source.distribution}): ${variants.length - before} variants`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Same order and layout as build-knowledge.mjs: one file per line, sorted by name, package, version, path.
const key = (f) => [f.name, f.origin.package, f.origin.version, f.path].join('\0');
const all = [...upstream, ...variants].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
writeIndexFiles(indexPath, all);
for (const line of summary) console.log(line);
console.log(`${variants.length} vendor variants written to ${relative(process.cwd(), indexPath) || indexPath}`);
