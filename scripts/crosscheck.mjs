#!/usr/bin/env node
// Cross-check cuckoo's counts against the naive pipeline:
//   tar -x RELEASE; git archive TAG | tar -x; compare the two trees file by file.
//
// Usage: node scripts/crosscheck.mjs RELEASE REPO TAG [--strip N]
//   RELEASE  a release archive the system `tar` can read (tar, .gz, .xz, .bz2, .zst)
//   REPO     a git directory (bare or .git) holding TAG
//   --strip  leading folders to strip; by default one top-level folder is stripped
//            when every entry sits under it, as cuckoo does
// Prints both count sets side by side and every path the two disagree on.
// Exit codes: 0 counts agree, 1 counts differ, 2 bad arguments, 3 a tool failed.
//
// Counted as in cuckoo (src/commands/verify.ts countChanges): regular files and
// symlinks only, folders ignored; "modified" covers content, type (file vs
// symlink) and executable-bit (owner x) differences. git archive already leaves
// export-ignored files out, which cuckoo counts apart (exportIgnored).
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const usage = 'usage: node scripts/crosscheck.mjs RELEASE REPO TAG [--strip N]';
const args = process.argv.slice(2);
let strip;
const si = args.indexOf('--strip');
if (si !== -1) {
  strip = Number(args[si + 1]);
  args.splice(si, 2);
  if (!Number.isInteger(strip) || strip < 0) fail(2, `--strip needs a whole number\n${usage}`);
}
if (args.length !== 3 || args.some((a) => a.startsWith('-'))) fail(2, usage);
const [release, repo, tag] = [resolve(args[0]), resolve(args[1]), args[2]];

function fail(code, message) {
  console.error(message);
  process.exit(code);
}

const cuckoo = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cuckoo.js');
const work = mkdtempSync(join(tmpdir(), 'crosscheck-'));
const cleanUp = () => rmSync(work, { recursive: true, force: true });
process.on('exit', cleanUp);
const relDir = join(work, 'release');
const tagDir = join(work, 'tag');

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { maxBuffer: 1 << 30, ...opts });
  if (r.error || (r.status !== 0 && !(opts.okCodes ?? []).includes(r.status))) {
    fail(3, `${cmd} ${argv.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  }
  return r;
}

// Release: the system tar, which picks the decompressor itself.
for (const d of [relDir, tagDir]) mkdirSync(d);
run('tar', ['-xf', release, '-C', relDir, '--no-same-owner', ...(strip ? [`--strip-components=${strip}`] : [])]);

// Tag: git archive piped into tar, exactly what a packager would run.
await new Promise((done) => {
  const git = spawn('git', ['--git-dir', repo, 'archive', '--format=tar', tag], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tar = spawn('tar', ['-xf', '-', '-C', tagDir, '--no-same-owner'], { stdio: ['pipe', 'inherit', 'inherit'] });
  git.stdout.pipe(tar.stdin);
  let left = 2;
  const check = (what) => (code) => {
    if (code !== 0) fail(3, `${what} exited with ${code}`);
    if (--left === 0) done();
  };
  git.on('close', check('git archive'));
  tar.on('close', check('tar -x'));
});

/** path → {kind: 'file'|'symlink'|'other', abs, exec, target} for everything but folders. */
function walk(root) {
  const out = new Map();
  const visit = (dir, rel) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isDirectory()) visit(abs, path);
      else if (st.isSymbolicLink()) out.set(path, { kind: 'symlink', target: readlinkSync(abs) });
      else out.set(path, { kind: st.isFile() ? 'file' : 'other', abs, size: st.size, exec: (st.mode & 0o100) !== 0 });
    }
  };
  visit(root, '');
  return out;
}

const tagFiles = walk(tagDir);
// Strip one top-level folder when everything sits under it, unless the tag has that
// folder at its top and keeping it matches more paths (cuckoo's detectStrip rule).
let relRoot = relDir;
if (strip === undefined) {
  const top = readdirSync(relDir);
  if (top.length === 1 && lstatSync(join(relDir, top[0])).isDirectory()) {
    const unstripped = walk(relDir);
    const stripped = walk(join(relDir, top[0]));
    const matches = (m) => [...m.keys()].filter((p) => tagFiles.has(p)).length;
    const tagHasTop = [...tagFiles.keys()].some((p) => p.split('/')[0] === top[0]);
    if (!tagHasTop || matches(stripped) > matches(unstripped)) relRoot = join(relDir, top[0]);
  }
}
const relFiles = walk(relRoot);

function sameEntry(a, b) {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'symlink') return a.target === b.target;
  if (a.kind !== 'file') return true; // fifos, devices: present on both sides
  return a.size === b.size && a.exec === b.exec && readFileSync(a.abs).equals(readFileSync(b.abs));
}

const naiveChange = new Map();
const naive = { identical: 0, onlyInRelease: 0, onlyInTag: 0, modified: 0 };
const note = (path, change, key) => {
  naive[key]++;
  naiveChange.set(path, change);
};
for (const [path, r] of relFiles) {
  const t = tagFiles.get(path);
  if (!t) note(path, 'only-in-release', 'onlyInRelease');
  else if (!sameEntry(r, t)) note(path, 'modified', 'modified');
  else naive.identical++;
}
for (const path of tagFiles.keys()) if (!relFiles.has(path)) note(path, 'only-in-tag', 'onlyInTag');

// cuckoo, timed; its cache in the temp folder so every run starts cold.
const started = process.hrtime.bigint();
const c = run(
  process.execPath,
  [cuckoo, 'verify', release, '--repo', repo, '--tag', tag, '--format', 'json', '--cache-dir', join(work, 'cache'), ...(strip !== undefined ? ['--strip', String(strip)] : [])],
  { okCodes: [1], encoding: 'utf8' },
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
let report;
try {
  report = JSON.parse(c.stdout);
} catch (err) {
  fail(3, `cuckoo printed no JSON report (${err.message}):\n${c.stderr}`);
}

// cuckoo's change kinds folded onto the naive classes.
const fold = { 'mode-changed': 'modified', 'type-changed': 'modified' };
const cuckooChange = new Map();
for (const f of report.findings) {
  if (f.change === 'only-in-tag' && f.category === 'export-ignored') continue; // git archive omits these too
  cuckooChange.set(f.path, fold[f.change] ?? f.change);
}

const keys = ['identical', 'onlyInRelease', 'onlyInTag', 'modified'];
const rows = [['', 'cuckoo', 'naive'], ...keys.map((k) => [k, String(report.counts[k]), String(naive[k])])];
rows.push(['exportIgnored', String(report.counts.exportIgnored), '-'], ['irregular', String(report.counts.irregular), '-']);
console.log(`release ${args[0]}  tag ${tag} (${report.tag.commit.slice(0, 12)})  prefix '${report.release.prefix}'  format ${report.release.format}`);
for (const [k, a, b] of rows) console.log(`  ${k.padEnd(14)} ${a.padStart(7)} ${b.padStart(7)}${a !== b && b !== '-' && k ? '   <- differs' : ''}`);
const sev = Object.entries(report.severities).map(([s, n]) => `${s} ${n}`).join(', ');
console.log(`cuckoo: verdict ${report.verdict} (${sev}), ${seconds.toFixed(2)} s`);
for (const note of report.notes ?? []) console.log(`  note: ${note}`);

const disagree = [...new Set([...naiveChange.keys(), ...cuckooChange.keys()])]
  .filter((p) => naiveChange.get(p) !== cuckooChange.get(p))
  .sort();
if (disagree.length > 0) {
  console.log(`paths the two disagree on (${disagree.length}):`);
  for (const p of disagree) console.log(`  ${p}: cuckoo ${cuckooChange.get(p) ?? 'identical'}, naive ${naiveChange.get(p) ?? 'identical'}`);
}
const agree = keys.every((k) => report.counts[k] === naive[k]);
console.log(agree ? 'counts agree' : 'counts DIFFER');
process.exit(agree ? 0 : 1);
