#!/usr/bin/env node
// How much reading a zip's central directory through unzipper (src/release/zip-unzipper.ts) adds to
// reading the release, beside cuckoo's own reader alone. Run after `make build` (it loads dist/src).
//
//   node scripts/bench-zip.mjs [--runs N] [--dir D] [--tree DIR]... [--tiny N]
//
// Zips, made once with `zip -q -r -X` in D (default: <tmpdir>/cuckoo-bench-zip, kept for the next
// run; delete it to make them again):
//   tiny-N.zip     N tiny C files (default 90,000) in folders of 100, same bytes every time.
//   <name>.zip     each --tree DIR (a real source tree, e.g. an unpacked coreutils or git release);
//                  without --tree, this checkout's node_modules (real files, about 3,000).
// Each figure is the median of N runs (default 7), each run a fresh `node` process timing itself
// from the point where cuckoo's release modules are loaded (as the command line has them before it
// reads; unzipper is loaded by the read) to the last entry; the variants take turns within a run,
// so load on the machine falls on all of them alike:
//   own       cuckoo's own reader alone: its reading of the central directory, then the walk of the
//             local headers that inflates and hashes every member (zip.ts walkMembers).
//   unzipper  cuckoo's reading of the directory, then unzipper's listing of it, in this thread.
//   verify    the read `cuckoo verify` does: openRelease + entries(), unzipper's listing and the
//             cross-check included (in a worker thread for large directories, see zip-listing.ts).
//   1-thread  the same with unzipper's listing kept in the reading thread, as before the worker.
// and the ratio verify / own: what the listing and cross-check cost the read. Reading thread CPU
// is the CPU time of the thread that reads the entries (Linux only), all CPU that of the process
// (all its threads, the worker's too), both over the same span; RSS is the peak resident set; each
// the median over the runs. Every variant keeps the entries it reads, as verify does. Where other
// work keeps both cores busy, the worker cannot run beside the read: compare the reading thread's
// CPU then, and run again on a quiet machine for wall times.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VARIANTS = ['own', 'unzipper', 'verify', '1-thread'];

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
  process.exit(0);
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  const head = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(head.slice(0, head.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const fail = (message) => {
  console.error(`bench-zip: ${message} (see node scripts/bench-zip.mjs --help)`);
  process.exit(2);
};
let runs = 7;
let tiny = 90000;
let dir = join(tmpdir(), 'cuckoo-bench-zip');
const trees = [];
for (let i = 0; i < argv.length; i++) {
  const [name, value] = [argv[i], argv[i + 1]];
  if (!['--runs', '--dir', '--tree', '--tiny'].includes(name)) fail(`unknown option ${name}`);
  if (value === undefined) fail(`${name} needs a value`);
  i++;
  if (name === '--runs' || name === '--tiny') {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) fail(`${name} needs a positive whole number, not ${JSON.stringify(value)}`);
    if (name === '--runs') runs = n;
    else tiny = n;
  } else if (name === '--dir') dir = resolve(value);
  else {
    if (!existsSync(value)) fail(`--tree ${value}: no such folder`);
    trees.push(resolve(value));
  }
}
if (!existsSync(join(root, 'dist/src/release/zip.js'))) fail('dist/src is missing: run make build first');
if (spawnSync('zip', ['-v'], { stdio: 'ignore' }).status !== 0) fail('the zip command is missing (Debian: apt-get install zip)');
if (trees.length === 0) trees.push(join(root, 'node_modules'));
mkdirSync(dir, { recursive: true });

const zips = [tinyZip(tiny), ...trees.map(treeZip)];
console.log(`${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}, ${runs} runs`);
console.log('| zip | entries | own | unzipper | verify | 1-thread | verify / own | reading thread CPU own / verify | all CPU own / verify / 1-thread | peak RSS own / verify / 1-thread |');
console.log('| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
for (const zip of zips) {
  const times = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const rss = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const cpu = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const main = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  let entries = 0;
  for (let r = 0; r < runs; r++) {
    // Each run starts with another variant, so none always follows the same one.
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(r + k) % VARIANTS.length];
      const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', variant, zip], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`${variant} on ${zip}: exit ${p.status}\n${p.stderr}`);
      const out = JSON.parse(p.stdout);
      times[variant].push(out.ms);
      rss[variant].push(out.rss);
      cpu[variant].push(out.cpu);
      if (out.main !== undefined) main[variant].push(out.main);
      entries = out.entries;
    }
  }
  const m = Object.fromEntries(VARIANTS.map((v) => [v, median(times[v])]));
  const ms = (v) => `${Math.round(m[v])} ms`;
  const mb = (v) => `${Math.round(median(rss[v]) / 1024)}`;
  const cpus = (v) => `${(median(cpu[v]) / 1000).toFixed(2)}`;
  const mains = (v) => (main[v].length > 0 ? `${(median(main[v]) / 1000).toFixed(2)}` : '-');
  console.log(`| ${basename(zip)} | ${entries.toLocaleString('en')} | ${ms('own')} | ${ms('unzipper')} | ${ms('verify')} | ${ms('1-thread')} | ${(m.verify / m.own).toFixed(2)}x | ${mains('own')} / ${mains('verify')} s | ${cpus('own')} / ${cpus('verify')} / ${cpus('1-thread')} s | ${mb('own')} / ${mb('verify')} / ${mb('1-thread')} MB |`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** N tiny files, as the kernel-sized bench's smallest files are, zipped once. */
function tinyZip(n) {
  const zip = join(dir, `tiny-${n}.zip`);
  if (existsSync(zip)) return zip;
  console.log(`making ${zip} (${n.toLocaleString('en')} files)`);
  const work = join(dir, 'tiny-work');
  rmSync(work, { recursive: true, force: true });
  for (let d = 0; d * 100 < n; d++) {
    const folder = join(work, 'tiny-1.0', `d${d}`);
    mkdirSync(folder, { recursive: true });
    for (let i = d * 100; i < Math.min(n, (d + 1) * 100); i++) writeFileSync(join(folder, `f${i}.c`), `/* file ${i} */\nint f${i}(void) { return ${i}; }\n`);
  }
  zipUp(work, 'tiny-1.0', zip);
  rmSync(work, { recursive: true, force: true });
  return zip;
}

function treeZip(tree) {
  const name = basename(tree) === 'node_modules' ? 'node_modules' : basename(tree);
  const zip = join(dir, `${name}.zip`);
  if (existsSync(zip)) return zip;
  console.log(`making ${zip} from ${tree}`);
  zipUp(dirname(tree), basename(tree), zip);
  return zip;
}

/** `zip -r` of `folder` in `cwd`, written under a temporary name so an interrupted run leaves no partial zip. */
function zipUp(cwd, folder, zip) {
  const part = `${zip}.part`;
  rmSync(part, { force: true });
  const p = spawnSync('zip', ['-q', '-r', '-X', '-y', part, folder], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (p.status !== 0) throw new Error(`zip -r ${folder}: exit ${p.status}`);
  renameSync(part, zip);
}

/** One timed read, printed as JSON: { ms, cpu, entries, rss }. */
async function child(variant, zip) {
  const mod = (path) => import(pathToFileURL(join(root, 'dist/src', path)).href);
  // What the command line has loaded before it reads a release; unzipper is loaded by the read.
  const { open } = await import('node:fs/promises');
  const [{ defaultLimits }, { openRelease }, { BlockReader }, { readDirectory }, { walkMembers }, { listingThread }] = await Promise.all(
    ['limits.js', 'release/open.js', 'release/block-reader.js', 'release/zip-directory.js', 'release/zip.js', 'release/zip-listing.js'].map(mod),
  );
  const options = { objectFormat: 'sha1', limits: defaultLimits, keepContent: () => false };
  // Kept, as verify keeps them (readReleaseEntries), so every variant's collector sees them alike.
  const kept = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m0 = threadCpu();
  if (variant === 'verify' || variant === '1-thread') {
    if (variant === '1-thread') listingThread.workerFrom = Infinity;
    const release = await openRelease(zip, options);
    for await (const entry of release.entries()) kept.push(entry);
  } else {
    const handle = await open(zip, 'r');
    const size = (await handle.stat()).size;
    const directory = await readDirectory(new BlockReader(handle, size));
    await handle.close();
    if (variant === 'own') {
      for await (const entry of walkMembers(zip, directory.members, directory.start, options, () => {})) kept.push(entry);
    } else {
      const { unzipperMembers } = await mod('release/zip-unzipper.js');
      const { start, length, end, tail } = directory;
      kept.push(...(await unzipperMembers({ path: zip, size, start, length, end, count: directory.members.length, tail })));
    }
  }
  const ms = performance.now() - t0;
  const { user, system } = process.cpuUsage(c0);
  const m1 = threadCpu();
  const main = m0 === undefined || m1 === undefined ? undefined : m1 - m0;
  process.stdout.write(JSON.stringify({ ms, cpu: (user + system) / 1000, main, entries: kept.length, rss: process.resourceUsage().maxRSS }));
}

/** This thread's CPU time in ms (Linux: /proc/thread-self/stat, in clock ticks of 10 ms), or undefined. */
function threadCpu() {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
