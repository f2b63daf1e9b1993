#!/usr/bin/env node
// make bench-real: cuckoo on real releases against their real tags, beside the floor, the naive
// pipeline and diffoscope, on the machine it runs on. Nothing it fetches is kept in the repository.
//
//   node scripts/bench-real.mjs [--data DIR] [--release-dir DIR]... [--repo-dir DIR]... [--runs N]
//                               [--only NAME]... [--no-diffoscope] [--diffoscope-timeout S] [--list]
//
// The pairs (--list prints them): Debian's .orig tarball of a source package (checked against its
// pinned sha256) and the upstream tag it was made from; plus "realtrees", a large release assembled
// here from those trees (see below). --only NAME (repeatable) measures only those rows.
//
// Where the data comes from (all of it under --data, default $XDG_CACHE_HOME/cuckoo-bench-real or
// ~/.cache/cuckoo-bench-real; never inside the repository):
//   releases   first a file of that name in a --release-dir, else DATA/releases, else
//              `apt-get source --download-only PACKAGE=VERSION` run in DATA/releases (then without
//              the version: every Debian revision of an upstream version carries the same .orig).
//              apt-get needs deb-src lines in its sources.
//   tags       first a clone in a --repo-dir that has the tag and all of its blobs (looked up as
//              NAME, NAME.git, OWNER+NAME/repo, OWNER/NAME and the like, NAME from the URL or the
//              row's key), else DATA/repos/KEY.git, else `git clone --bare URL` into it. git's own
//              `url.<base>.insteadOf` settings apply to those clones. Submodules (coreutils' gnulib,
//              git's sha1collisiondetection) are found the same way and given to cuckoo with
//              --submodule, so no run touches the network.
//
// Columns, each the median of --runs (default 3) whole processes, after one read of the release.
// The floor, cuckoo and warm runs take turns (floor, cuckoo, warm, floor, …), so that a machine
// whose speed drifts slows them alike; the share of CPU time the host took meanwhile (steal, from
// /proc/stat) is printed with each row, flagged above 10%:
//   floor       decompress and hash once: `xz -dc | sha1sum` (gzip -dc for .gz).
//   naive       `tar -x` the release, `git archive TAG | tar -x` (and each submodule at its pinned
//               commit), `diff -rq`.
//   cuckoo      `cuckoo verify RELEASE --repo CLONE --tag TAG --no-reproduce --format json` on a
//               fresh --cache-dir.
//   warm        the default run (generators re-run in the sandbox) on a cache one default run
//               filled first; that first run's time is printed as "cold" under the table.
//   diffoscope  `diffoscope --text /dev/null RELEASE TAG-ARCHIVE`, the tag archive being `git archive`
//               of the tag (submodules added), compressed like the release. A first run over 120 s
//               is not repeated; one over --diffoscope-timeout (default 1200 s) is stopped and
//               shown as "> S s".
//   cuckoo CPU  user + system time of the --no-reproduce runs: the process, its threads and the
//               children it waited for (GNU time's %U + %S; empty without /usr/bin/time). On N
//               cores no run takes less than CPU / N: the speed target's line says when that alone
//               is above the target.
//   peak RSS    the largest of cuckoo's --no-reproduce and warm runs: GNU time's %M (the process and
//               the children it waited for: xz, git), else the process's own resourceUsage().maxRSS.
// A tool that is missing (apt-get, xz, diffoscope, /usr/bin/time …) empties its column with the
// reason; the rest runs.
//
// The targets, checked per row and printed under the table:
//   speed      cuckoo <= 2 x floor + 0.3 s (realtrees: <= 1.3 x floor)
//   diffoscope cuckoo at least 10x faster, wherever diffoscope takes over 1 s
//   warm       warm default run <= cuckoo + 0.3 s
//   memory     peak RSS <= 150 MiB (realtrees: 200 MiB)
//   and once per machine: `cuckoo --version` <= 0.15 s (median of at least 5).
//
// realtrees: a repository whose one commit (tag v1.0) holds the six tags side by side, plus
// util-linux v2.39, v2.40 and v2.41, git v2.30.0 and curl 8.0.0 (submodules inlined at their pinned
// commits; objects borrowed from the clones through objects/info/alternates), and a release made
// from it: each of the six trees as Debian ships it (its .orig, generated files and all), the others
// as `git archive`, packed as realtrees-1.0.tar.xz (xz -6) and .tar.gz (gzip -6): about 42,000
// files, 560 MB. Both are kept in DATA/realtrees; delete that folder to make them again.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, homedir, release as kernel, loadavg, totalmem } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cuckoo = join(root, 'bin/cuckoo.js');

// ---------- the pairs ----------
/** Debian bookworm's source packages and the upstream tags their .orig tarballs were made from. */
const PAIRS = [
  { key: 'xz-utils', name: 'xz-utils 5.4.1', source: 'xz-utils', version: '5.4.1-1+deb12u2', orig: 'xz-utils_5.4.1.orig.tar.xz',
    sha256: '5d9827aa1875b21c288f78864bb26d2650b436ea8d2cad364e4921eb6266a5a5', repo: 'https://github.com/tukaani-project/xz.git', tag: 'v5.4.1' },
  { key: 'expat', name: 'expat 2.5.0', source: 'expat', version: '2.5.0-1+deb12u5', orig: 'expat_2.5.0.orig.tar.gz',
    sha256: 'ab00ee05c7067fd10a35c5d2a4922ebba746ddd50ff83b79c828da17bbdf1757', repo: 'https://github.com/libexpat/libexpat.git', tag: 'R_2_5_0' },
  { key: 'coreutils', name: 'coreutils 9.1', source: 'coreutils', version: '9.1-1', orig: 'coreutils_9.1.orig.tar.xz',
    sha256: '61a1f410d78ba7e7f37a5a4f50e6d1320aca33375484a3255eddf17a38580423', repo: 'https://git.savannah.gnu.org/git/coreutils.git', tag: 'v9.1',
    submodules: { gnulib: { key: 'gnulib', repo: 'https://git.savannah.gnu.org/git/gnulib.git' } } },
  { key: 'util-linux', name: 'util-linux 2.38.1', source: 'util-linux', version: '2.38.1-5+deb12u3', orig: 'util-linux_2.38.1.orig.tar.xz',
    sha256: '60492a19b44e6cf9a3ddff68325b333b8b52b6c59ce3ebd6a0ecaa4c5117e84f', repo: 'https://git.kernel.org/pub/scm/utils/util-linux/util-linux.git', tag: 'v2.38.1' },
  { key: 'git', name: 'git 2.39.5', source: 'git', version: '1:2.39.5-0+deb12u3', orig: 'git_2.39.5.orig.tar.xz',
    sha256: 'c58da92c378df4a986ca33266897a7397e86c22ee266a284d8c2432c39066b59', repo: 'https://github.com/git/git.git', tag: 'v2.39.5',
    submodules: { sha1collisiondetection: { key: 'sha1collisiondetection', repo: 'https://github.com/cr-marcstevens/sha1collisiondetection.git' } } },
  { key: 'curl', name: 'curl 7.88.1', source: 'curl', version: '7.88.1-10+deb12u15', orig: 'curl_7.88.1.orig.tar.gz',
    sha256: 'cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7', repo: 'https://github.com/curl/curl.git', tag: 'curl-7_88_1' },
];
/** The large release: the six pairs as Debian ships them, and more tags of the same clones as `git archive`. */
const REALTREES = { key: 'realtrees', prefix: 'realtrees-1.0', extra: [['util-linux', 'v2.39'], ['util-linux', 'v2.40'], ['util-linux', 'v2.41'], ['git', 'v2.30.0'], ['curl', 'curl-8_0_0']] };

// ---------- options ----------
const argv = process.argv.slice(2);
const KNOWN = { '--data': 1, '--release-dir': 1, '--repo-dir': 1, '--runs': 1, '--only': 1, '--no-diffoscope': 0, '--diffoscope-timeout': 1, '--list': 0 };
if (argv.includes('--help') || argv.includes('-h')) {
  const head = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(head.slice(0, head.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const opts = { '--release-dir': [], '--repo-dir': [], '--only': [] };
for (let i = 0; i < argv.length; i++) {
  const n = KNOWN[argv[i]];
  const bad = n === undefined ? `unknown option ${argv[i]}` : n && i + 1 >= argv.length ? `${argv[i]} needs a value` : '';
  if (bad) { console.error(`bench-real: ${bad} (see node scripts/bench-real.mjs --help)`); process.exit(2); }
  if (Array.isArray(opts[argv[i]])) opts[argv[i]].push(argv[i + 1]);
  else opts[argv[i]] = n ? argv[i + 1] : true;
  i += n;
}
const RUNS = Number(opts['--runs'] ?? 3);
const DIFFOSCOPE_TIMEOUT = Number(opts['--diffoscope-timeout'] ?? 1200);
if (!(RUNS >= 1) || !(DIFFOSCOPE_TIMEOUT > 0)) { console.error('bench-real: --runs and --diffoscope-timeout need positive numbers'); process.exit(2); }
const ALL = [...PAIRS.map((p) => p.key), REALTREES.key];
const unknownOnly = opts['--only'].filter((k) => !ALL.includes(k));
if (unknownOnly.length) { console.error(`bench-real: --only ${unknownOnly.join(', ')}: not one of ${ALL.join(', ')}`); process.exit(2); }
const ONLY = opts['--only'].length ? opts['--only'] : ALL;
if (opts['--list']) {
  for (const p of PAIRS) console.log(`${p.key.padEnd(12)} ${p.source}=${p.version} (${p.orig})  ${p.repo} ${p.tag}${p.submodules ? `  submodules: ${Object.keys(p.submodules).join(', ')}` : ''}`);
  console.log(`${REALTREES.key.padEnd(12)} the six above side by side, plus ${REALTREES.extra.map(([k, t]) => `${k} ${t}`).join(', ')}`);
  process.exit(0);
}
const DATA = resolve(opts['--data'] ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cuckoo-bench-real'));
if (!relative(root, DATA).startsWith('..') && !isAbsolute(relative(root, DATA))) {
  console.error(`bench-real: --data ${DATA} is inside the repository; the data is fetched, never committed: pick a folder outside it`);
  process.exit(2);
}

// ---------- running things ----------
const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const has = (tool) => spawnSync('bash', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const TOOLS = Object.fromEntries(['xz', 'gzip', 'git', 'tar', 'diff', 'sha1sum', 'apt-get', 'diffoscope'].map((t) => [t, has(t)]));
const hasTime = existsSync('/usr/bin/time');
const RSS_HOOK = `data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(process.env.BENCH_RSS,String(process.resourceUsage().maxRSS)))`;

/** Runs a bash command; returns its status, wall seconds and captured output. */
function sh(cmd, { cwd, timeout, quiet = true } = {}) {
  const t0 = process.hrtime.bigint();
  const p = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { cwd, timeout: timeout && timeout * 1000, killSignal: 'SIGKILL', encoding: 'utf8',
    maxBuffer: 256 * 1024 ** 2, stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'pipe'] });
  return { status: p.status, timedOut: p.error?.code === 'ETIMEDOUT', wall: Number(process.hrtime.bigint() - t0) / 1e9, stdout: p.stdout ?? '', stderr: p.stderr ?? '' };
}
/** Like sh, but throws (with the end of stderr) unless the status is one of `ok`. */
function must(cmd, ok = [0], o = {}) {
  const r = sh(cmd, o);
  if (!ok.includes(r.status)) throw new Error(`${cmd.length > 300 ? `${cmd.slice(0, 300)}…` : cmd}: exit ${r.status}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`);
  return r;
}
const git = (repo, args, o) => must(`git -C ${q(repo)} ${args}`, [0], o).stdout.trim();
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const sha256 = (file) => new Promise((ok, fail) => {
  const h = createHash('sha256');
  createReadStream(file).on('data', (d) => h.update(d)).on('end', () => ok(h.digest('hex'))).on('error', fail);
});
const log = (s) => console.error(`bench-real: ${s}`);

// ---------- getting the data ----------
async function findRelease(p) {
  for (const dir of [...opts['--release-dir'].map((d) => resolve(d)), join(DATA, 'releases')]) {
    const f = join(dir, p.orig);
    if (existsSync(f)) {
      const sum = await sha256(f);
      if (sum === p.sha256) return f;
      log(`${f}: sha256 ${sum}, not the pinned ${p.sha256}; not used`);
    }
  }
  if (!TOOLS['apt-get']) throw new Error(`no ${p.orig}: apt-get is not installed; put the file in ${join(DATA, 'releases')} or a --release-dir`);
  const dir = join(DATA, 'releases');
  mkdirSync(dir, { recursive: true });
  for (const spec of [`${p.source}=${p.version}`, p.source]) {
    log(`apt-get source --download-only ${spec}`);
    const r = sh(`apt-get source --download-only -q ${q(spec)}`, { cwd: dir });
    const f = join(dir, p.orig);
    if (r.status === 0 && existsSync(f)) {
      const sum = await sha256(f);
      if (sum === p.sha256) return f;
      throw new Error(`${f}: sha256 ${sum}, not the pinned ${p.sha256}`);
    }
    if (r.status !== 0) log(`apt-get source ${spec}: ${r.stderr.trim().split('\n').pop()}`);
  }
  throw new Error(`no ${p.orig}: apt-get source found no ${p.source} of that upstream version (deb-src lines in the apt sources?); put the file in ${dir} or a --release-dir`);
}

/** Paths of `rev`'s tree whose blobs `repo` lacks (a mirror may leave out large blobs). */
function missingBlobs(repo, rev) {
  const blobs = must(`git -C ${q(repo)} ls-tree -r -z ${q(rev)}`).stdout.split('\0').filter(Boolean).map((l) => {
    const [meta, path] = l.split('\t');
    const [, type, id] = meta.split(' ');
    return { type, id, path };
  }).filter((x) => x.type === 'blob');
  const check = spawnSync('git', ['-C', repo, 'cat-file', '--batch-check'], { input: `${blobs.map((x) => x.id).join('\n')}\n`, encoding: 'utf8', maxBuffer: 256 * 1024 ** 2 });
  const gone = new Set(check.stdout.split('\n').filter((l) => l.endsWith(' missing')).map((l) => l.split(' ')[0]));
  return blobs.filter((x) => gone.has(x.id)).map((x) => x.path);
}
const hasRev = (repo, rev) => existsSync(repo) && sh(`git -C ${q(repo)} rev-parse --verify -q ${q(`${rev}^{commit}`)}`).status === 0;
const found = new Map();
/** Blobs missing from the clone used for `repo rev`, when only an incomplete one was at hand. */
const incomplete = new Map();
/**
 * A local clone of `url` with `rev`: a --repo-dir clone that has every blob of it, else one under
 * DATA/repos (cloned if need be), else, when cloning fails, a --repo-dir clone that lacks some blobs.
 */
function findRepo(key, url, rev) {
  const id = `${url} ${rev}`;
  if (found.has(id)) return found.get(id);
  const parts = url.replace(/\.git$/, '').split('/');
  const [owner, name] = parts.slice(-2);
  const names = [...new Set([key, `${key}.git`, name, `${name}.git`, `${owner}+${name}/repo`, `${owner}+${name}`, `${owner}/${name}`, `${owner}/${name}.git`])];
  let partial;
  const take = (repo, missing) => {
    found.set(id, repo);
    if (missing.length) {
      incomplete.set(`${repo} ${rev}`, missing);
      log(`${repo} lacks ${missing.length} blob(s) of ${rev} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}) and no complete clone could be had: ` +
        'cuckoo reads the clone as it is; the naive pipeline, diffoscope\'s tag archive and realtrees leave those files out');
    }
    return repo;
  };
  for (const dir of opts['--repo-dir']) {
    // Mirrors named after another host's owner (coreutils+coreutils for savannah's coreutils) count too.
    const any = existsSync(dir) ? readdirSync(dir).filter((e) => e.endsWith(`+${name}`) || e.endsWith(`+${key}`)).flatMap((e) => [`${e}/repo`, e]) : [];
    for (const n of [...names, ...any]) {
      const repo = resolve(dir, n);
      if (!hasRev(repo, rev)) continue;
      const missing = missingBlobs(repo, rev);
      if (!missing.length) return take(repo, missing);
      partial ??= { repo, missing };
    }
  }
  const mine = join(DATA, 'repos', `${key}.git`);
  if (!existsSync(mine)) {
    log(`git clone --bare ${url} ${mine}`);
    mkdirSync(dirname(mine), { recursive: true });
    const r = sh(`git clone --bare -q ${q(url)} ${q(`${mine}.part`)} && mv ${q(`${mine}.part`)} ${q(mine)}`);
    if (r.status !== 0) {
      rmSync(`${mine}.part`, { recursive: true, force: true });
      if (partial) return take(partial.repo, partial.missing);
      throw new Error(`git clone ${url}: ${r.stderr.trim().split('\n').pop()}`);
    }
  }
  if (!hasRev(mine, rev)) throw new Error(`${mine} has no ${rev}`);
  return take(mine, missingBlobs(mine, rev));
}

/** An empty folder: git's index commands want a work tree, even in a bare repository. */
const empty = () => { const d = join(DATA, 'empty'); mkdirSync(d, { recursive: true }); return d; };
/** The tree id of an archivable(): refs are the clone's own, so the id is what a borrowing repository can read. */
const treeOf = (src) => git(src.dir, `rev-parse ${q(`${src.rev}^{tree}`)}`);

/**
 * Where `git archive` can read `rev` of `repo`: the clone itself, or, when it lacks some blobs, a
 * tree without those files written in DATA/scratch.git (which borrows the clone's objects).
 */
function archivable(repo, rev) {
  const missing = incomplete.get(`${repo} ${rev}`);
  if (!missing) return { dir: repo, rev };
  const scratch = join(DATA, 'scratch.git');
  if (!existsSync(scratch)) must(`git init -q --bare ${q(scratch)}`);
  const alt = join(scratch, 'objects/info/alternates');
  const objects = resolve(repo, git(repo, 'rev-parse --git-path objects'));
  const have = existsSync(alt) ? readFileSync(alt, 'utf8').split('\n').filter(Boolean) : [];
  if (!have.includes(objects)) writeFileSync(alt, `${[...have, objects].join('\n')}\n`);
  const index = join(DATA, 'scratch.index');
  const env = `GIT_INDEX_FILE=${q(index)} GIT_WORK_TREE=${q(empty())}`;
  must(`${env} git -C ${q(scratch)} read-tree ${git(repo, `rev-parse ${q(`${rev}^{tree}`)}`)} && ${env} git -C ${q(scratch)} update-index --force-remove -- ${missing.map(q).join(' ')}`);
  const tree = must(`${env} git -C ${q(scratch)} write-tree`).stdout.trim();
  rmSync(index, { force: true });
  return { dir: scratch, rev: tree };
}

/** The commit each submodule of `tag` is pinned at, and a clone that has it. */
function submodulesOf(p, repo, tag) {
  return Object.entries(p.submodules ?? {}).flatMap(([path, s]) => {
    const line = git(repo, `ls-tree ${q(tag)} -- ${q(path)}`);
    const [mode, , pin] = line.split(/\s+/);
    if (mode !== '160000') return [];
    return [{ name: path, path, pin, repo: findRepo(s.key, s.repo, pin) }];
  });
}

const compressor = (file) => (file.endsWith('.xz') ? 'xz' : file.endsWith('.gz') ? 'gzip' : file.endsWith('.bz2') ? 'bzip2' : file.endsWith('.zst') ? 'zstd' : null);
/** The one top-level folder of a release. */
function prefixOf(file) {
  const r = must(`set +o pipefail; tar -tf ${q(file)} | head -1`);
  return r.stdout.split('\n')[0].replace(/^\.\//, '').split('/')[0];
}

/** `git archive` of the tag with submodules added, compressed like the release (diffoscope's other side). */
function tagArchive(work, c) {
  const tool = compressor(c.release);
  const out = join(work, `tag-${c.key}.tar.${tool === 'gzip' ? 'gz' : tool}`);
  if (existsSync(out)) return out;
  const tar = join(work, 'tag.tar');
  const main = archivable(c.repo, c.tag);
  must(`git -C ${q(main.dir)} archive --format=tar --prefix=${q(`${c.prefix}/`)} ${q(main.rev)} > ${q(tar)}`);
  for (const s of c.submodules) {
    const sub = archivable(s.repo, s.pin);
    must(`git -C ${q(sub.dir)} archive --format=tar --prefix=${q(`${c.prefix}/${s.path}/`)} ${q(sub.rev)} > ${q(`${tar}.sub`)} && tar -Af ${q(tar)} ${q(`${tar}.sub`)}`);
    rmSync(`${tar}.sub`);
  }
  must(`${tool} -6 ${tool === 'xz' ? '-T0 ' : ''}-c ${q(tar)} > ${q(`${out}.part`)} && mv ${q(`${out}.part`)} ${q(out)}`);
  rmSync(tar);
  return out;
}

// ---------- the large release ----------
/** The realtrees repository and release (made once, kept in DATA/realtrees). */
async function realtrees(pairs) {
  const dir = join(DATA, 'realtrees');
  const done = join(dir, 'made.json');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  log(`making ${dir} (once): the repository, then the release`);
  const repo = join(dir, 'repo.git');
  must(`git init -q --bare ${q(repo)}`);
  const byKey = new Map(pairs.map((p) => [p.key, p]));
  const parts = [
    ...PAIRS.map((p) => ({ pair: byKey.get(p.key), tag: p.tag, path: `${p.key}-${p.tag.replace(/^[^0-9]*/, '').replace(/_/g, '.')}`, release: byKey.get(p.key).release })),
    ...REALTREES.extra.map(([key, tag]) => ({ pair: byKey.get(key), tag, path: `${key}-${tag.replace(/^[^0-9]*/, '').replace(/_/g, '.')}` })),
  ];
  for (const part of parts) {
    part.repo = findRepo(part.pair.key, part.pair.spec.repo, part.tag);
    part.submodules = submodulesOf(part.pair.spec, part.repo, part.tag).map((s) => ({ ...s, src: archivable(s.repo, s.pin) }));
    part.src = archivable(part.repo, part.tag);
  }
  const objects = [...new Set(parts.flatMap((x) => [x.repo, x.src.dir, ...x.submodules.flatMap((s) => [s.repo, s.src.dir])]))]
    .map((r) => resolve(r, git(r, 'rev-parse --git-path objects')));
  writeFileSync(join(repo, 'objects/info/alternates'), `${objects.join('\n')}\n`);
  // The tag: each tree at its folder, its submodules' trees in place of their gitlinks, other gitlinks dropped.
  const env = `GIT_INDEX_FILE=${q(join(dir, 'index'))} GIT_WORK_TREE=${q(empty())} GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000'`;
  for (const part of parts) {
    must(`${env} git -C ${q(repo)} read-tree --prefix=${q(`${part.path}/`)} ${treeOf(part.src)}`);
  }
  const gitlinks = must(`${env} git -C ${q(repo)} ls-files -s`).stdout.split('\n').filter((l) => l.startsWith('160000 ')).map((l) => l.split('\t')[1]);
  if (gitlinks.length) must(`${env} git -C ${q(repo)} update-index --force-remove -- ${gitlinks.map(q).join(' ')}`);
  for (const part of parts) for (const s of part.submodules) must(`${env} git -C ${q(repo)} read-tree --prefix=${q(`${part.path}/${s.path}/`)} ${treeOf(s.src)}`);
  const tree = must(`${env} git -C ${q(repo)} write-tree`).stdout.trim();
  const commit = must(`${env} git -C ${q(repo)} commit-tree -m 'realtrees 1.0' ${tree}`).stdout.trim();
  git(repo, `tag v1.0 ${commit}`);
  rmSync(join(dir, 'index'));
  // The release: Debian's trees (generated files and all) and `git archive` of the others, submodules added.
  const top = join(dir, 'tree', REALTREES.prefix);
  for (const part of parts) {
    const at = join(top, part.path);
    mkdirSync(at, { recursive: true });
    if (part.release) must(`tar -xf ${q(part.release)} -C ${q(at)} --strip-components=1`);
    else must(`git -C ${q(part.src.dir)} archive ${q(part.src.rev)} | tar -x -C ${q(at)}`);
    for (const s of part.submodules) {
      const sub = join(at, s.path);
      if (existsSync(sub) && readdirSync(sub).length) continue;
      mkdirSync(sub, { recursive: true });
      must(`git -C ${q(s.src.dir)} archive ${q(s.src.rev)} | tar -x -C ${q(sub)}`);
    }
  }
  const tar = join(dir, `${REALTREES.prefix}.tar`);
  must(`tar -C ${q(join(dir, 'tree'))} --sort=name --owner=0 --group=0 --numeric-owner -cf ${q(tar)} ${REALTREES.prefix}`);
  const counted = must(`tar -tvf ${q(tar)} | awk '$1 ~ /^-/ { n++; s += $3 } END { print n, s }'`).stdout.trim().split(' ').map(Number);
  rmSync(join(dir, 'tree'), { recursive: true, force: true });
  log(`release: ${counted[0]} files, ${(counted[1] / 1e6).toFixed(0)} MB; compressing (xz -6 -T1 and gzip -6, minutes)`);
  await Promise.all([
    new Promise((ok, fail) => spawn('bash', ['-o', 'pipefail', '-c', `xz -6 -T1 -c ${q(tar)} > ${q(`${tar}.xz`)}`], { stdio: 'inherit' }).on('exit', (c) => (c === 0 ? ok() : fail(new Error(`xz: exit ${c}`))))),
    new Promise((ok, fail) => spawn('bash', ['-o', 'pipefail', '-c', `gzip -6 -c ${q(tar)} > ${q(`${tar}.gz`)}`], { stdio: 'inherit' }).on('exit', (c) => (c === 0 ? ok() : fail(new Error(`gzip: exit ${c}`))))),
  ]);
  rmSync(tar);
  const made = { repo, tag: 'v1.0', files: counted[0], bytes: counted[1], parts: parts.map((x) => `${x.path}${x.release ? ' (Debian)' : ''}`),
    releases: [`${tar}.xz`, `${tar}.gz`] };
  writeFileSync(done, JSON.stringify(made, null, 2));
  log(`made in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return made;
}

// ---------- measuring one row ----------
function measureCuckoo(c, work, extra, cache) {
  const tf = join(work, 'time.txt');
  const out = join(work, 'report.json');
  const args = `${q(cuckoo)} verify ${q(c.release)} --repo ${q(c.repo)} --tag ${q(c.tag)} ${c.submodules.map((s) => `--submodule ${q(`${s.name}=${s.repo}`)}`).join(' ')} --format json ${extra} --cache-dir ${q(cache)} > ${q(out)}`;
  const cmd = hasTime ? `/usr/bin/time -f '%U %S %M' -o ${q(tf)} node ${args}` : `BENCH_RSS=${q(tf)} node --import ${q(RSS_HOOK)} ${args}`;
  const r = must(cmd, [0, 1]);
  // GNU time may write a line of its own first (a signal, an exit status): the figures are the last line.
  const figures = readFileSync(tf, 'utf8').trim().split('\n').pop().trim().split(/\s+/).map(Number);
  const rss = figures.pop() * 1024;
  // user + system seconds of the process, its threads and the children it waited for (xz, git).
  const cpu = figures.length === 2 ? figures[0] + figures[1] : undefined;
  return { wall: r.wall, cpu, rss, report: JSON.parse(readFileSync(out, 'utf8')) };
}

function measure(c) {
  const work = join(DATA, 'work', c.key);
  rmSync(join(work, 'naive'), { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const f = q(c.release);
  const row = { ...c, size: statSync(c.release).size, load: [loadavg()[0]] };
  sh(`cat ${f} > /dev/null`);
  const tool = compressor(c.release);
  const noFloor = !TOOLS.sha1sum ? 'sha1sum not installed' : tool && !has(tool) ? `${tool} not installed` : undefined;
  // The default run that fills the warm cache comes first. Then the floor,
  // cuckoo --no-reproduce and the warm run take turns, so that a machine
  // whose speed drifts (a virtual machine's host busy with others) slows
  // all three alike.
  const warmCache = join(work, 'cache-warm');
  rmSync(warmCache, { recursive: true, force: true });
  const first = measureCuckoo(c, work, '', warmCache);
  row.cold = first.wall;
  row.reproduction = first.report.reproduction?.counts;
  const floors = [];
  const off = [];
  const warm = [];
  const rss = [];
  const cpu = [];
  const steal = stealMeter();
  for (let i = 0; i < RUNS; i++) {
    if (noFloor === undefined) floors.push(must(`${tool ? `${tool} -dc` : 'cat'} ${f} | sha1sum`).wall);
    const cache = join(work, `cache-${i}`);
    rmSync(cache, { recursive: true, force: true });
    const x = measureCuckoo(c, work, '--no-reproduce', cache);
    rmSync(cache, { recursive: true, force: true });
    off.push(x.wall);
    cpu.push(x.cpu);
    rss.push(x.rss);
    row.report = x.report;
    const y = measureCuckoo(c, work, '', warmCache);
    warm.push(y.wall);
    rss.push(y.rss);
  }
  row.steal = steal();
  rmSync(warmCache, { recursive: true, force: true });
  row.floor = noFloor ?? median(floors);
  row.cuckoo = median(off);
  row.cpu = cpu.every((t) => t !== undefined) ? median(cpu) : 'no /usr/bin/time';
  row.warm = median(warm);
  row.rss = Math.max(...rss);
  // naive
  if (!TOOLS.tar || !TOOLS.diff) row.naive = 'tar or diff not installed';
  else {
    row.naive = median(Array.from({ length: RUNS }, () => {
      const d = join(work, 'naive');
      rmSync(d, { recursive: true, force: true });
      mkdirSync(join(d, 'r'), { recursive: true });
      mkdirSync(join(d, 't'));
      const subs = c.submodules.map((s) => ({ ...s, ...archivable(s.repo, s.pin) }))
        .map((s) => ` && mkdir -p ${q(join(d, 't', s.path))} && git -C ${q(s.dir)} archive ${q(s.rev)} | tar -x -C ${q(join(d, 't', s.path))}`).join('');
      const main = archivable(c.repo, c.tag);
      const r = must(`tar -xf ${f} -C ${q(join(d, 'r'))} && git -C ${q(main.dir)} archive ${q(main.rev)} | tar -x -C ${q(join(d, 't'))}${subs} && { diff -rq ${q(join(d, 'r', c.prefix))} ${q(join(d, 't'))} > /dev/null; [ $? -le 1 ]; }`);
      rmSync(d, { recursive: true, force: true });
      return r.wall;
    }));
  }
  // diffoscope
  if (opts['--no-diffoscope']) row.diffoscope = 'skipped';
  else if (!TOOLS.diffoscope) row.diffoscope = 'not installed';
  else {
    const other = tagArchive(work, c);
    const walls = [];
    for (let i = 0; i < RUNS; i++) {
      // Its own temp folder: a diffoscope stopped at the timeout leaves gigabytes of unpacked members behind.
      const scratch = join(work, 'diffoscope-tmp');
      mkdirSync(scratch, { recursive: true });
      const r = sh(`TMPDIR=${q(scratch)} exec diffoscope --text /dev/null ${f} ${q(other)}`, { timeout: DIFFOSCOPE_TIMEOUT });
      rmSync(scratch, { recursive: true, force: true });
      if (r.timedOut) { row.diffoscopeOver = DIFFOSCOPE_TIMEOUT; break; }
      if (r.status !== 0 && r.status !== 1) { row.diffoscope = `failed (exit ${r.status}: ${r.stderr.trim().split('\n').pop()})`; break; }
      walls.push(r.wall);
      if (r.wall > 120) break;
    }
    if (row.diffoscopeOver) row.diffoscope = `> ${DIFFOSCOPE_TIMEOUT} s`;
    else if (walls.length) { row.diffoscope = median(walls); row.diffoscopeRuns = walls.length; }
  }
  row.load.push(loadavg()[0]);
  return row;
}

/**
 * The share of the machine's CPU time its host took for others (steal, in
 * /proc/stat) from now until the returned function is called; undefined
 * where the kernel does not tell. A virtual machine whose host is busy runs
 * slower by about that share, and unevenly: rows measured under a large one
 * are to be compared with care.
 */
function stealMeter() {
  const read = () => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      // user nice system idle iowait irq softirq steal (guest time is counted in user already).
      return fields.length >= 8 ? { steal: fields[7], total: fields.slice(0, 8).reduce((a, b) => a + b, 0) } : undefined;
    } catch {
      return undefined;
    }
  };
  const start = read();
  return () => {
    const end = read();
    if (!start || !end || end.total <= start.total) return undefined;
    return (end.steal - start.steal) / (end.total - start.total);
  };
}
const stealText = (share) => (share === undefined ? 'CPU steal not reported' : `CPU steal ${(share * 100).toFixed(0)}%${share > STEAL_WARNING ? ' (the host was busy: compare this row with care)' : ''}`);
/** Above this share of steal during a row's timed runs, the row says so. */
const STEAL_WARNING = 0.1;

// ---------- targets and output ----------
const MIB = 2 ** 20;
function targets(x) {
  const big = x.key.startsWith(REALTREES.key);
  const out = [];
  if (typeof x.floor === 'number') {
    const bound = big ? 1.3 * x.floor : 2 * x.floor + 0.3;
    out.push({ what: 'speed', ok: x.cuckoo <= bound, text: `cuckoo ${x.cuckoo.toFixed(2)} s vs ${big ? '1.3 x floor' : '2 x floor + 0.3 s'} = ${bound.toFixed(2)} s${cpuBound(x, bound)}` });
  } else out.push({ what: 'speed', ok: null, text: `no floor (${x.floor})` });
  if (typeof x.diffoscope === 'number' || x.diffoscopeOver) {
    const d = x.diffoscopeOver ?? x.diffoscope;
    if (d > 1) out.push({ what: 'diffoscope', ok: 10 * x.cuckoo <= d, text: `${(d / x.cuckoo).toFixed(1)}x faster than diffoscope${x.diffoscopeOver ? ' (at least)' : ''}, 10x needed` });
    else out.push({ what: 'diffoscope', ok: true, text: 'diffoscope under 1 s: no bound' });
  } else out.push({ what: 'diffoscope', ok: null, text: `diffoscope ${x.diffoscope}` });
  out.push({ what: 'warm', ok: x.warm <= x.cuckoo + 0.3, text: `warm default ${x.warm.toFixed(2)} s vs cuckoo + 0.3 s = ${(x.cuckoo + 0.3).toFixed(2)} s` });
  const limit = big ? 200 : 150;
  out.push({ what: 'memory', ok: x.rss <= limit * MIB, text: `peak RSS ${(x.rss / MIB).toFixed(0)} MiB vs ${limit} MiB` });
  return out;
}
/**
 * What the run's CPU time says of the speed target: on CORES cores (those
 * this process may run on, which a CPU affinity mask can make fewer) no
 * schedule finishes in less than CPU / CORES, however the work is spread over
 * threads and processes. Where that is above the target, only less CPU (not
 * more parallel work) can meet it.
 */
function cpuBound(x, target) {
  if (typeof x.cpu !== 'number') return '';
  const least = x.cpu / CORES;
  return `; CPU ${x.cpu.toFixed(2)} s on ${CORES} cores, so no run under ${least.toFixed(2)} s${least > target ? ': above the target, which only less CPU can meet' : ''}`;
}
const CORES = availableParallelism();
const sec = (s) => (typeof s === 'number' ? `${s.toFixed(2)} s` : s);
function table(rows) {
  const head = ['release', 'entries', 'floor', 'naive', 'cuckoo', 'cuckoo CPU', 'cuckoo / floor', 'warm default', 'diffoscope', 'diffoscope / cuckoo', 'peak RSS', 'targets'];
  const body = rows.map((x) => {
    if (x.error) return [x.label, '', '', '', '', '', '', '', '', '', '', 'not measured (below)'];
    const t = targets(x);
    const d = x.diffoscopeOver ?? x.diffoscope;
    return [x.label, x.report.release.entries.toLocaleString('en'), sec(x.floor), sec(x.naive), sec(x.cuckoo), sec(x.cpu),
      typeof x.floor === 'number' ? `${(x.cuckoo / x.floor).toFixed(2)}x` : '', sec(x.warm),
      `${sec(x.diffoscope)}${x.diffoscopeRuns && x.diffoscopeRuns < RUNS ? ` (${x.diffoscopeRuns} run)` : ''}`,
      typeof d === 'number' ? `${x.diffoscopeOver ? '> ' : ''}${(d / x.cuckoo).toFixed(1)}x` : '', `${(x.rss / MIB).toFixed(0)} MiB`,
      `${t.filter((y) => y.ok).length}/${t.filter((y) => y.ok !== null).length} met${t.some((y) => y.ok === false) ? `: ${t.filter((y) => y.ok === false).map((y) => y.what).join(', ')} missed` : ''}`];
  });
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i && i < cells.length - 1 ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ')} |`;
  return [line(head), `|${w.map((n, i) => (i && i < w.length - 1 ? `${'-'.repeat(n + 1)}:` : '-'.repeat(n + 2))).join('|')}|`, ...body.map(line)].join('\n');
}
function machine() {
  const first = (cmd) => spawnSync('bash', ['-c', cmd], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? cpus()[0]?.model;
  return [`cpu: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${kernel()}`,
    `node ${process.version}; ${first('xz --version')}; ${first('git --version')}; ${first('tar --version')}; ${TOOLS.diffoscope ? first('diffoscope --version') : 'diffoscope: not installed'}`,
    `RSS via ${hasTime ? '/usr/bin/time %M' : 'process.resourceUsage().maxRSS (no /usr/bin/time)'}; medians of ${RUNS} run(s); data in ${DATA}`].join('\n');
}

// ---------- main ----------
const missing = ['git', 'tar'].filter((t) => !TOOLS[t]);
if (missing.length) { console.error(`bench-real: ${missing.join(' and ')} not installed: nothing can be measured`); process.exit(3); }
mkdirSync(DATA, { recursive: true });
console.log(machine());
console.log(`load average at the start: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
for (const [t, ok] of Object.entries(TOOLS)) if (!ok) console.log(`${t}: not installed (${t === 'diffoscope' ? 'its column is empty' : t === 'apt-get' ? 'releases must be in DATA/releases or a --release-dir' : 'the columns that need it are empty'})`);
const version = median(Array.from({ length: Math.max(5, RUNS) }, () => must(`node ${q(cuckoo)} --version`).wall));

const needed = new Set(ONLY.includes(REALTREES.key) ? PAIRS.map((p) => p.key) : ONLY);
const pairs = [];
const rows = [];
for (const p of PAIRS.filter((x) => needed.has(x.key))) {
  try {
    const release = await findRelease(p);
    const repo = findRepo(p.key, p.repo, p.tag);
    pairs.push({ key: p.key, spec: p, label: p.name, release, repo, tag: p.tag, prefix: prefixOf(release), submodules: submodulesOf(p, repo, p.tag) });
  } catch (e) {
    rows.push({ key: p.key, label: p.name, error: e.message });
    log(`${p.name}: ${e.message}`);
  }
}
let failed = rows.length > 0;
const cases = pairs.filter((c) => ONLY.includes(c.key));
if (ONLY.includes(REALTREES.key)) {
  if (pairs.length < PAIRS.length) rows.push({ key: REALTREES.key, label: 'realtrees', error: 'needs all six pairs' });
  else {
    try {
      const made = await realtrees(pairs);
      for (const release of made.releases) {
        const ext = release.endsWith('.xz') ? 'tar.xz' : 'tar.gz';
        cases.push({ key: `${REALTREES.key}-${ext}`, label: `realtrees, ${made.files.toLocaleString('en')} files, ${(made.bytes / 1e6).toFixed(0)} MB (${ext})`,
          release, repo: made.repo, tag: made.tag, prefix: REALTREES.prefix, submodules: [] });
      }
    } catch (e) {
      failed = true;
      rows.push({ key: REALTREES.key, label: 'realtrees', error: e.message });
      log(`realtrees: ${e.message}`);
    }
  }
}
for (const c of cases) {
  log(`measuring ${c.label}`);
  try {
    const row = measure(c);
    rows.push(row);
    const r = row.report;
    console.log(`${c.label}: ${r.verdict}; ${r.release.entries} entries, ${r.counts.identical} identical, ${r.counts.onlyInRelease} only in the release, ${r.counts.onlyInTag} only in the tag, ` +
      `${r.counts.modified} modified; cold default run ${sec(row.cold)}${row.reproduction ? ` (reproduced ${row.reproduction.reproduced ?? 0}, normalised ${row.reproduction.normalised ?? 0}, different ${row.reproduction.different ?? 0}, not tried ${row.reproduction.notTried ?? 0})` : ''}; ` +
      `load ${row.load.map((l) => l.toFixed(2)).join(' → ')}; ${stealText(row.steal)} during the timed runs of floor, cuckoo and warm`);
  } catch (e) {
    failed = true;
    rows.push({ key: c.key, label: c.label, error: e.message });
    log(`${c.label}: ${e.message}`);
  }
}
rows.sort((a, b) => ALL.indexOf(a.key.replace(/-tar\.(xz|gz)$/, '')) - ALL.indexOf(b.key.replace(/-tar\.(xz|gz)$/, '')));
console.log(`\n${table(rows)}\n`);
for (const x of rows.filter((y) => y.error)) console.log(`${x.label}: not measured: ${x.error}`);
console.log(`cuckoo --version: ${sec(version)} (target 0.15 s: ${version <= 0.15 ? 'met' : 'MISSED'})`);
for (const x of rows.filter((y) => !y.error)) {
  console.log(`${x.label}: ${targets(x).map((t) => `${t.what} ${t.ok === null ? 'n/a' : t.ok ? 'met' : 'MISSED'} (${t.text})`).join('; ')}`);
}
console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
process.exit(failed ? 1 : 0);
