#!/usr/bin/env node
// make bench: how close `cuckoo verify` comes to reading the release once, and how far ahead it is
// of the pipeline people run by hand.
//
//   node scripts/bench.mjs [--quick] [--files N] [--mb M] [--seed S] [--runs R] [--keep] [--dir D] [--scaling] [--no-diffoscope]
//                          [--tree-files N] [--no-tree]
//
// Default: 20,000 files, ~500 MB unpacked. --quick: 2,000 files, ~50 MB. --seed changes the
// generated content (same seed, same bytes). --runs R repeats each timing and keeps the fastest.
// --keep leaves the temp folder (repository, archives, reports) in place and prints its path; --dir D
// measures again the inputs a --keep run left in D instead of generating new ones. --scaling adds
// the time-per-file series (bench-scaling.mjs). --no-diffoscope skips diffoscope (minutes, and
// gigabytes of memory, on large inputs). --tree-files N sizes the real-tree-shaped case (default
// 8,000 files, --quick 2,000); --no-tree leaves it out.
//
// In a temp folder it writes a git repository with `git fast-import` (C-like text files of varied
// sizes and some binary files over a few hundred folders; tag v1.0), then a release made the way real
// releases differ from their tag: `git archive --prefix=bench-1.0/ v1.0`, plus 200 release-only
// files (configure, aclocal.m4, Makefile.in, m4/, build-aux/ look-alikes), 50 files modified and
// 5 dropped, packed as bench-1.0.tar.xz (xz -T1 -6), bench-1.0.tar.gz (gzip -6) and bench-1.0.zip.
//
// Beside it, a release shaped like a real autotools project (bench-tree.mjs): many small files
// (median about 2.5 kB, ~45 MB for 8,000), and what `make dist` adds and changes: configure,
// aclocal.m4, a Makefile.in per Makefile.am, build-aux/, m4/, .gmo catalogs, help2man pages, a
// makeinfo manual, a ChangeLog, refreshed .po files, a line edited mid-file in some sources;
// tree-1.0.tar.xz and .tar.gz, measured like the others (its own table).
//
// Figures, per archive (all after one warm-up read, so the archive is in the page cache):
//   cuckoo   wall time of `cuckoo verify ARCHIVE --repo REPO --tag v1.0 --format json --no-reproduce`
//            with a fresh --cache-dir; RSS is the largest peak resident set among the cuckoo process and the
//            xz/git processes it ran (GNU time %M, which takes the maximum over the children it
//            waited for; without /usr/bin/time, the process's own resourceUsage().maxRSS, written at
//            exit by a preloaded one-liner). The report's counts are checked against what was made.
//   floor    `xz -dc | sha1sum` (gzip -dc, unzip -p for the zip): decompress and hash once.
//   naive    `tar -xf` the release + `git archive v1.0 | tar -x` + `diff -r` (unzip -q for the zip).
//   c/floor  cuckoo wall / floor wall: the promise is close to 1.
//   naive/c  naive wall / cuckoo wall: the promise is well above 1.
//   diffoscope on the same pair (release vs `git archive` of the tag), only when installed.
// Then what reproduction adds (bench-reproduce.mjs): --no-reproduce, a cold and a warm cache, on the
// bundled sample and on the .tar.gz made here.
// Then, with the repository served over HTTP on 127.0.0.1 (bench-fetch.mjs): bytes cuckoo's partial
// fetch receives against a full `git clone --bare`, and the wall time of a second run on the cache.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, release as kernel, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureFetch } from './bench-fetch.mjs';
import { measureScaling } from './bench-scaling.mjs';
import { measureReproduction, reproductionTable } from './bench-reproduce.mjs';
import { makeTree, rng } from './bench-tree.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const KNOWN = { '--quick': 0, '--files': 1, '--mb': 1, '--seed': 1, '--runs': 1, '--keep': 0, '--dir': 1, '--scaling': 0, '--no-diffoscope': 0, '--tree-files': 1, '--no-tree': 0 };
if (argv.includes('--help') || argv.includes('-h')) {
  // The usage is the header comment above, up to the imports.
  const head = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(head.slice(0, head.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
for (let i = 0; i < argv.length; i++) {
  const n = KNOWN[argv[i]];
  const bad = n === undefined ? `unknown option ${argv[i]}` : n && (i + 1 >= argv.length || (argv[i] !== '--dir' && !Number.isFinite(Number(argv[i + 1])))) ? `${argv[i]} needs a ${argv[i] === '--dir' ? 'folder' : 'number'}` : '';
  if (bad) { console.error(`bench: ${bad} (see node scripts/bench.mjs --help)`); process.exit(2); }
  i += n;
}
const flag = (name) => argv.includes(name);
const opt = (name, def) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : def);
const quick = flag('--quick');
const FILES = opt('--files', quick ? 2000 : 20000);
const MB = opt('--mb', quick ? 50 : 500);
const SEED = opt('--seed', 1);
const RUNS = opt('--runs', 1);
const TREE_FILES = opt('--tree-files', quick ? 2000 : 8000);
const [ADDED, MODIFIED, DROPPED] = [200, Math.min(50, Math.floor(FILES / 10)), 5];
const PREFIX = 'bench-1.0';

// ---------- deterministic content ----------
const r = rng(SEED);
const SYL = 'ba be bi bo bu ca ce ci co da de di do fa fe fi ga ge go ha he hi ka ke ki ko la le li lo lu ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi xa xe ze zo'.split(' ');
const WORDS = Array.from({ length: 1000 }, () => Array.from({ length: 1 + r.int(3) }, () => r.pick(SYL)).join(''));
// Skewed word choice and a per-file set of identifiers, so text compresses about as well as real source.
const word = () => WORDS[Math.floor(WORDS.length * r.next() ** 4)];
let local = [];
const ident = () => (local.length && r.next() < 0.9 ? r.pick(local) : r.next() < 0.5 ? word() : `${word()}_${word()}`);
const num = () => (r.next() < 0.8 ? String(r.int(16)) : `0x${r.int(0xffff).toString(16)}`);
const sentence = (n) => Array.from({ length: n }, word).join(' ');
const STMTS = [
  () => `\tif (${ident()} > ${num()})\n\t\t${ident()} = ${ident()}(${ident()}, ${num()});`,
  () => `\t${ident()}->${word()} = ${ident()} + ${num()};`,
  () => `\tfor (i = 0; i < ${num()}; i++)\n\t\t${ident()}[i] ^= ${num()};`,
  () => `\t${ident()} = ${ident()}(${ident()});`,
  () => `\t/* ${sentence(3 + r.int(8))} */`,
  () => `\treturn ${ident()}(${ident()}, ${num()}, "${sentence(2 + r.int(4))}");`,
];

/** C-like source (or, for docs, prose) of about `size` bytes. */
function text(size, kind) {
  const out = [];
  let n = 0;
  const push = (s) => { out.push(s); n += s.length + 1; };
  const seen = [];
  local = [];
  local = Array.from({ length: 20 + r.int(60) }, ident);
  if (kind === 'doc') { while (n < size) push(sentence(6 + r.int(12))); return out.join('\n') + '\n'; }
  if (kind === 'sh') push('#!/bin/sh');
  push(`/* ${sentence(6)}\n * Copyright (C) ${2000 + r.int(24)} ${word()} ${word()} */`);
  push(`#include <${word()}.h>\n#include "${ident()}.h"\n`);
  while (n < size) {
    push(`/* ${sentence(4 + r.int(10))} */\nstatic int\n${ident()}(struct ${word()} *${word()}, size_t n)\n{\n\tint i;`);
    // Half the statements repeat an earlier one of the file, as idioms do in real code.
    for (let k = 2 + r.int(12); k > 0; k--) { const x = seen.length && r.next() < 0.5 ? r.pick(seen) : STMTS[r.int(STMTS.length)](); seen.push(x); push(x); }
    push('\treturn 0;\n}\n');
  }
  return out.join('\n') + '\n';
}
function binary(size) {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((r.next() * 4294967296) >>> 0, Math.min(i, size - 4));
  return b;
}

// ---------- the tag: paths, then one git fast-import stream ----------
function planTree() {
  const tops = ['src', 'lib', 'include', 'tests', 'doc', 'tools', 'contrib', 'plugins'];
  const dirs = new Set();
  while (dirs.size < Math.max(4, Math.round(FILES / 60))) {
    const top = r.pick(tops);
    dirs.add(r.next() < 0.4 ? `${top}/${word()}` : `${top}/${word()}/${word()}`);
  }
  const dirList = [...dirs].sort();
  // Log-normal sizes scaled to the requested total, as in real trees: many small files, a few big.
  const raw = Array.from({ length: FILES }, () => Math.exp(1.3 * Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next())));
  const scale = (MB * 1e6) / raw.reduce((a, b) => a + b, 0);
  const files = raw.map((w, i) => {
    const x = r.next();
    const [ext, kind] = x < 0.55 ? ['c', 'c'] : x < 0.75 ? ['h', 'c'] : x < 0.87 ? ['txt', 'doc'] : x < 0.9 ? ['sh', 'sh'] : x < 0.96 ? ['py', 'c'] : [r.pick(['png', 'bin', 'ico', 'gz']), 'bin'];
    const path = `${r.pick(dirList)}/${ident()}${i.toString(36)}.${ext}`;
    return { path, kind, mode: kind === 'sh' ? '100755' : '100644', size: Math.max(64, Math.round(w * scale)) };
  });
  // Makefile.am next to each Makefile.in the release will carry, plus the usual top-level files.
  const amDirs = dirList.slice(0, ADDED - 15);
  const small = (path, content, mode = '100644') => ({ path, mode, content });
  files.push(small('configure.ac', `AC_INIT([bench], [1.0])\nAM_INIT_AUTOMAKE\nAC_PROG_CC\nAC_OUTPUT\n`),
    small('Makefile.am', `SUBDIRS = ${amDirs.join(' ')}\n`), small('README', text(4000, 'doc')),
    small('.gitignore', '*.o\n/configure\nMakefile.in\n'), small('.github/workflows/ci.yml', 'on: push\njobs: {}\n'),
    ...amDirs.map((d) => small(`${d}/Makefile.am`, `noinst_LIBRARIES = lib${word()}.a\n`)));
  return { files, dirList, amDirs };
}

async function writeRepo(repo, files) {
  spawnSync('git', ['init', '-q', '-b', 'main', repo], { stdio: 'inherit' });
  const fi = spawn('git', ['fast-import', '--quiet'], { cwd: repo, stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = once(fi, 'exit');
  const write = async (chunk) => { if (!fi.stdin.write(chunk)) await once(fi.stdin, 'drain'); };
  let total = 0;
  for (const [i, f] of files.entries()) {
    const data = f.content !== undefined ? Buffer.from(f.content) : f.kind === 'bin' ? binary(f.size) : Buffer.from(text(f.size, f.kind));
    total += data.length;
    await write(`blob\nmark :${i + 1}\ndata ${data.length}\n`);
    await write(data);
    await write('\n');
  }
  const who = 'Bench <bench@example.com> 1700000000 +0000';
  await write(`commit refs/heads/main\nmark :${files.length + 1}\ncommitter ${who}\ndata 8\nrelease\n`);
  await write(files.map((f, i) => `M ${f.mode} :${i + 1} ${f.path}\n`).join(''));
  await write(`\ntag v1.0\nfrom :${files.length + 1}\ntagger ${who}\ndata 9\nbench 1.0\n`);
  fi.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`git fast-import exited with ${code}`);
  return total;
}

// ---------- the release ----------
const sh = (cmd, opts = {}) => new Promise((ok, fail) => {
  const p = spawn('bash', ['-o', 'pipefail', '-c', cmd], { stdio: 'inherit', ...opts });
  p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${cmd}: exit ${code}`))));
});
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

async function buildRelease(tmp, repo, plan) {
  const work = join(tmp, 'work');
  mkdirSync(work);
  await sh(`git -C ${q(repo)} archive --prefix=${PREFIX}/ v1.0 | tar -x -C ${q(work)}`);
  const at = (p) => join(work, PREFIX, p);
  const put = (p, content, mode = 0o644) => { mkdirSync(dirname(at(p)), { recursive: true }); writeFileSync(at(p), content, { mode }); };
  const gen = (what, n) => `# ${what}\n${text(n, 'doc').replace(/^/gm, '# ')}`;
  put('configure', `#! /bin/sh\n# Generated by GNU Autoconf 2.72 for bench 1.0.\n${gen('configure', 400_000)}`, 0o755);
  put('aclocal.m4', `# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n${gen('aclocal', 40_000)}`);
  put('config.h.in', `/* config.h.in.  Generated from configure.ac by autoheader.  */\n${gen('config', 3000)}`);
  for (const f of ['config.guess', 'config.sub', 'install-sh', 'ltmain.sh', 'missing', 'depcomp', 'compile']) put(`build-aux/${f}`, `#! /bin/sh\n${gen(f, 20_000)}`, 0o755);
  for (const f of ['libtool', 'ltoptions', 'ltsugar', 'ltversion', 'lt~obsolete']) put(`m4/${f}.m4`, gen(f, 10_000));
  let added = 15;
  for (const d of plan.amDirs) put(`${d}/Makefile.in`, `# Makefile.in generated by automake 1.16.5 from Makefile.am.\n${gen(d, 8000)}`), added++;
  for (let i = 0; added < ADDED; i++, added++) put(`doc/man/${word()}${i}.1`, `.TH BENCH 1\n${text(2000, 'doc')}`);
  // Drop a few tag files, as releases leave out CI configuration and the like.
  const sources = plan.files.filter((f) => f.kind === 'c');
  const dropped = ['.gitignore', '.github/workflows/ci.yml', ...Array.from({ length: DROPPED - 2 }, (_, i) => sources[i * 7].path)];
  for (const p of dropped) unlinkSync(at(p));
  for (let i = 0; i < MODIFIED; i++) appendFileSync(at(sources[sources.length - 1 - i * 3].path), '/* patched for the release */\n');
  const tar = join(tmp, `${PREFIX}.tar`);
  await sh(`tar -C ${q(work)} --sort=name --owner=0 --group=0 --numeric-owner -cf ${q(tar)} ${PREFIX}`);
  await Promise.all([
    sh(`xz -T1 -6 -c ${q(tar)} > ${q(tar)}.xz`),
    sh(`gzip -6 -c ${q(tar)} > ${q(tar)}.gz`),
    sh(`zip -q -r -X ${q(join(tmp, `${PREFIX}.zip`))} ${PREFIX}`, { cwd: work }),
  ]);
  rmSync(tar);
  rmSync(work, { recursive: true, force: true });
  return { modified: MODIFIED, onlyInRelease: ADDED, onlyInTag: DROPPED };
}

// ---------- measuring ----------
const has = (tool) => spawnSync('bash', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const hasTime = existsSync('/usr/bin/time');
// Fallback for peak RSS: the cuckoo process writes its own maxRSS (KiB) to $BENCH_RSS when it exits.
const RSS_HOOK = `data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(process.env.BENCH_RSS,String(process.resourceUsage().maxRSS)))`;

/** Wall seconds of a shell command; throws unless it exits with one of `ok`. */
function timed(cmd, ok = [0]) {
  const t0 = process.hrtime.bigint();
  const p = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!ok.includes(p.status)) throw new Error(`${cmd}: exit ${p.status}`);
  return s;
}
function best(fn) {
  let out;
  for (let i = 0; i < RUNS; i++) { const x = fn(i); if (!out || x.wall < out.wall) out = { ...x, rss: Math.max(x.rss ?? 0, out?.rss ?? 0) }; }
  return out;
}

function measure(tmp, repo, archive, expected, prefix = PREFIX) {
  const kind = archive.endsWith('.zip') ? 'zip' : archive.endsWith('.xz') ? 'xz' : 'gz';
  const name = `${prefix}-${kind}`;
  const f = q(archive);
  timed(`cat ${f} > /dev/null`);
  const floorCmd = { xz: `xz -dc ${f} | sha1sum`, gz: `gzip -dc ${f} | sha1sum`, zip: `unzip -p ${f} | sha1sum` }[kind];
  const floor = best(() => ({ wall: timed(floorCmd) }));
  const out = join(tmp, `report-${name}.json`);
  const cuckoo = best((i) => {
    const cache = join(tmp, `cache-${name}-${i}`);
    const tf = join(tmp, 'time.txt');
    // Reading and explaining only: the tree's generated files are look-alikes made up here, and what
    // re-running their generators adds is measured apart (the reproduction table).
    const args = `${q(join(root, 'bin/cuckoo.js'))} verify ${f} --repo ${q(repo)} --tag v1.0 --format json --no-reproduce --cache-dir ${q(cache)} > ${q(out)}`;
    const cmd = hasTime ? `/usr/bin/time -f '%e %M' -o ${q(tf)} node ${args}` : `BENCH_RSS=${q(tf)} node --import ${q(RSS_HOOK)} ${args}`;
    const wall = timed(cmd, [0, 1]);
    rmSync(cache, { recursive: true, force: true });
    return { wall, rss: Number(readFileSync(tf, 'utf8').trim().split(/\s+/).pop()) * 1024 };
  });
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const wrong = Object.entries(expected).filter(([k, v]) => report.counts[k] !== v).map(([k, v]) => `${k} ${report.counts[k]} (expected ${v})`);
  const naive = best(() => {
    const d = join(tmp, 'naive');
    rmSync(d, { recursive: true, force: true });
    mkdirSync(join(d, 'r'), { recursive: true });
    mkdirSync(join(d, 't'));
    const unpack = kind === 'zip' ? `unzip -q ${f} -d ${q(join(d, 'r'))}` : `tar -xf ${f} -C ${q(join(d, 'r'))}`;
    const wall = timed(`${unpack} && git -C ${q(repo)} archive v1.0 | tar -x -C ${q(join(d, 't'))} && { diff -r ${q(join(d, 'r', prefix))} ${q(join(d, 't'))} > /dev/null; [ $? -le 1 ]; }`);
    rmSync(d, { recursive: true, force: true });
    return { wall };
  });
  let diffoscope = flag('--no-diffoscope') ? 'skipped' : 'not installed';
  if (!flag('--no-diffoscope') && has('diffoscope')) {
    const tagTar = join(tmp, 'tag.tar');
    const wall = timed(`git -C ${q(repo)} archive --prefix=${prefix}/ -o ${q(tagTar)} v1.0 && diffoscope --text /dev/null ${f} ${q(tagTar)}`, [0, 1]);
    diffoscope = `${wall.toFixed(1)} s`;
  }
  return { kind, archive, size: statSync(archive).size, entries: report.release.entries, decoder: report.release.decoder, floor, cuckoo, naive, diffoscope, wrong };
}

// ---------- output ----------
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
const sec = (s) => `${s.toFixed(2)} s`;
function table(rows) {
  const head = ['input', 'size', 'entries', 'cuckoo', 'RSS', 'floor', 'c/floor', 'naive', 'naive/c', 'diffoscope'];
  const body = rows.map((x) => [x.archive.split('/').pop(), mb(x.size), String(x.entries), sec(x.cuckoo.wall),
    `${Math.round(x.cuckoo.rss / 2 ** 20)} MiB`, sec(x.floor.wall), `${(x.cuckoo.wall / x.floor.wall).toFixed(2)}x`,
    sec(x.naive.wall), `${(x.naive.wall / x.cuckoo.wall).toFixed(1)}x`, x.diffoscope]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ')} |`;
  return [line(head), `|${w.map((n, i) => (i ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|')}|`, ...body.map(line)].join('\n');
}
function machine() {
  const first = (cmd) => spawnSync('bash', ['-c', cmd], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? cpus()[0]?.model;
  return [`cpu: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${kernel()}`,
    `node ${process.version}; ${first('xz --version')}; ${first('git --version')}; ${first('tar --version')}`].join('\n');
}

// ---------- main ----------
const reuse = argv.includes('--dir') ? resolve(argv[argv.indexOf('--dir') + 1]) : undefined;
const tmp = reuse ?? mkdtempSync(join(tmpdir(), 'cuckoo-bench-'));
let failed = false;
try {
  console.log(machine());
  console.log(`RSS via ${hasTime ? '/usr/bin/time %M' : 'process.resourceUsage().maxRSS'}; best of ${RUNS} run(s)`);
  let t = Date.now();
  const step = (what) => { console.log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`); t = Date.now(); };
  const plan = planTree();
  const repo = join(tmp, 'repo');
  let expected;
  if (reuse) {
    expected = JSON.parse(readFileSync(join(tmp, 'expected.json'), 'utf8'));
  } else {
    const bytes = await writeRepo(repo, plan.files);
    step(`repository: ${plan.files.length} files, ${mb(bytes)}, ${plan.dirList.length} folders, tag v1.0`);
    expected = await buildRelease(tmp, repo, plan);
    writeFileSync(join(tmp, 'expected.json'), JSON.stringify(expected));
    step(`release: +${ADDED} release-only, ${MODIFIED} modified, -${DROPPED} dropped; .tar.xz .tar.gz .zip`);
  }
  const rows = [];
  const load0 = loadavg()[0].toFixed(2);
  for (const ext of ['tar.xz', 'tar.gz', 'zip']) {
    const row = measure(tmp, repo, join(tmp, `${PREFIX}.${ext}`), expected);
    rows.push(row);
    if (row.wrong.length) { failed = true; console.error(`${ext}: report counts differ: ${row.wrong.join(', ')}`); }
  }
  step(`measured (load average before ${load0}, after ${loadavg()[0].toFixed(2)})`);
  console.log(`\n${table(rows)}\n\ndecoders: ${rows.map((x) => `${x.kind} ${x.decoder}`).join(', ')}`);
  if (!flag('--no-tree') && TREE_FILES > 0) {
    const dir = join(tmp, 'tree');
    const tree = reuse && existsSync(join(dir, 'expected.json'))
      ? { repo: join(dir, 'repo'), prefix: 'tree-1.0', archives: ['xz', 'gz'].map((x) => join(dir, `tree-1.0.tar.${x}`)), expected: JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) }
      : await makeTree({ dir, files: TREE_FILES, seed: SEED });
    if (!reuse) step(`real-tree-shaped release: ${tree.files} files; +${tree.expected.onlyInRelease} release-only, ${tree.expected.modified} modified, -${tree.expected.onlyInTag} dropped; .tar.xz .tar.gz`);
    const load1 = loadavg()[0].toFixed(2);
    const treeRows = tree.archives.map((a) => measure(tmp, tree.repo, a, tree.expected, tree.prefix));
    for (const row of treeRows) if (row.wrong.length) { failed = true; console.error(`${row.archive}: report counts differ: ${row.wrong.join(', ')}`); }
    step(`measured the real-tree-shaped release (load average before ${load1}, after ${loadavg()[0].toFixed(2)})`);
    console.log(`
real-tree-shaped:

${table(treeRows)}`);
  }
  const gz = rows.find((x) => x.kind === 'gz');
  const f = await measureFetch({ tmp, repo, archive: gz.archive, cuckoo: join(root, 'bin/cuckoo.js') });
  console.log(`\nremote over HTTP (${PREFIX}.tar.gz): partial fetch ${mb(f.partial)} vs git clone --bare ${mb(f.full)} ` +
    `(${((100 * f.partial) / f.full).toFixed(1)}%); first run ${sec(f.cold)}, again on the cache ${sec(f.warm)} ` +
    `(${mb(f.rerun)} fetched; local repository ${sec(gz.cuckoo.wall)}, ${f.warm > gz.cuckoo.wall ? `so the cached remote adds ${sec(f.warm - gz.cuckoo.wall)}` : 'so the cached remote adds nothing measurable'})`);
  // What reproduction adds, on the sample (its generators run in bubblewrap) and on this tree.
  const rep = [measureReproduction({ release: join(root, 'samples/hello-1.0.tar.gz'), repo: join(root, 'samples/hello.bundle'), tag: 'v1.0', runs: RUNS }),
    measureReproduction({ release: gz.archive, repo, tag: 'v1.0', runs: 1 })];
  console.log(`\nreproduction (scripts/bench-reproduce.mjs; "added" is over --no-reproduce):\n\n${reproductionTable(rep)}`);
  if (flag('--scaling')) {
    const s = await measureScaling({ tmp, cuckoo: join(root, 'bin/cuckoo.js') });
    console.log(`\ntiny files (tar.gz): ${s.map((x) => `${x.files} files ${sec(x.wall)} = ${x.perFile.toFixed(0)} µs/file`).join('; ')}`);
    if (s.length > 1) {
      const [a, b] = [s[0], s[s.length - 1]];
      console.log(`marginal cost ${(((b.wall - a.wall) / (b.files - a.files)) * 1e6).toFixed(0)} µs/file from ${a.files} to ${b.files} files`);
    }
  }
} catch (e) {
  failed = true;
  console.error(e.stack ?? e);
} finally {
  if (flag('--keep') || reuse) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
