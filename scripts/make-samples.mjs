#!/usr/bin/env node
// Regenerates the bundled samples in samples/ from the small "hello" project in
// scripts/sample-project/:
//   hello.bundle               its git history (tags v0.9, v1.0)
//   hello-1.0.tar.gz           the release exactly as `make distcheck` makes it,
//                              repacked deterministically
//   hello-1.0.zip              `git archive --format=zip` of v1.0 (GitHub-style)
//   hello-0.9.tar.gz           the previous release, from v0.9 (for --previous)
//   tampered/hello-1.0.tar.gz  the release with src/hello.c changed and m4/nls.m4
//                              swapped for a look-alike that imitates, harmlessly,
//                              the xz-utils 5.6.0 backdoor trigger (CVE-2024-3094)
//   planted/hello-1.0.tar.gz   the release with one line planted in its configure: a
//                              compiler define, no signal of any kind
//   SHA256SUMS                 sha256 of each of the above
// Usage: node scripts/make-samples.mjs [--only FILE]   (needs git, autoconf, automake, gettext)
//   --only FILE  write just that sample (e.g. hello-0.9.tar.gz) and its SHA256SUMS line,
//                leaving the other samples' bytes alone
// Exit codes: 0 done; 2 a needed tool is missing; 3 a tool failed.
// Everything is built in a temp dir with a clean environment, fixed identities
// and dates, so two runs on one machine give byte-identical files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT = path.join(ROOT, 'scripts', 'sample-project');
const SAMPLES = path.join(ROOT, 'samples');
const EXECUTABLE = new Set(['autogen.sh', 'tests/hello-test.sh']);
const INSTALL_HINT = 'apt-get install autoconf automake autopoint gettext libtool';
const TOOLS = ['git', 'autoreconf', 'autoconf', 'automake', 'aclocal', 'autopoint',
  'xgettext', 'msgfmt', 'msgmerge', 'make', 'cc|gcc', 'tar', 'gzip']; // a|b: either will do

const ALICE = { name: 'Alice Example', email: 'alice@example.org', tz: '+0100' };
const BOB = { name: 'Bob Example', email: 'bob@example.org', tz: '+0100' };

// The fixture tests/files/good-1.bin: a magic number, 216 bytes of fixed
// pseudo-random "sample data", a marker line, then a gzip stream whose tab,
// space, '-' and '_' bytes are swapped (the `tr "\t \-_" " \t_\-"` step xz's
// build-to-host.m4 used). The stream decodes only to one `echo` line; it is
// stored as bytes so the fixture does not depend on the local zlib.
const FIXTURE_MARKER = '@@HLO-TAIL@@';
const FIXTURE_PAYLOAD = 'echo "hello sample: this line was decoded from tests/files/good-1.bin by a look-alike m4 macro (harmless)"\n';
const FIXTURE_GZ = 'H4sIAAAAAAACAwXBQQ7CMAwEwDuvWPVUDqWqxInfuMmWWLVrFEdC/J4ZlhaYGs0CKf4xvjCaJkwv4iuJyhKVFUcPx2COXA815vqOqMv22PXC/oPAIs5FTE/Cn3ApPTA36W7MvE+3PyWLjxZrAAAA';

// The history: each commit adds or updates the listed paths, taken from the
// final tree unless `early` gives an earlier version.
const HISTORY = [
  { author: ALICE, date: '2024-01-08T10:00:00+01:00', tag: { name: 'v0.9' },
    message: 'Initial import of hello 0.9',
    paths: ['.gitignore', 'AUTHORS', 'COPYING', 'ChangeLog', 'Makefile.am', 'NEWS', 'README',
      'autogen.sh', 'configure.ac', 'm4/hello-warnings.m4', 'po/LINGUAS', 'po/Makevars',
      'po/POTFILES.in', 'po/de.po', 'po/hello.pot', 'src/hello.c', 'src/hello.h'],
    early: {
      'configure.ac': (s) => edit(s, '[hello], [1.0]', '[hello], [0.9]'),
      'Makefile.am': (s) => edit(edit(s, /\nTESTS = [^]*?\n\n/, '\n'), / \\\n\ttests\/[^\n]*/, ''),
      'm4/hello-warnings.m4': (s) => edit(edit(s, 'serial 2', 'serial 1'), ' -Wshadow;', ';'),
      'NEWS': (s) => s.slice(at(s, '* Noteworthy changes in release 0.9')),
      'ChangeLog': (s) => s.slice(at(s, '2024-01-08')),
      'po/hello.pot': (s) => edit(edit(s, 'hello 1.0', 'hello 0.9'), '2024-02-26 11:20', '2024-01-08 09:30'),
    } },
  { author: BOB, date: '2024-02-05T18:30:00+01:00',
    message: 'tests: add a smoke test and a binary sample file',
    paths: ['Makefile.am', 'tests/hello-test.sh', 'tests/files/good-1.bin'] },
  { author: BOB, date: '2024-02-12T21:05:00+01:00',
    message: 'Ignore the macros autopoint copies; add CI and export-ignore rules',
    paths: ['m4/.gitignore', '.github/workflows/ci.yml', '.gitattributes'] },
  { author: ALICE, date: '2024-02-14T09:15:00+01:00',
    message: 'hello-warnings.m4: also try -Wshadow',
    paths: ['m4/hello-warnings.m4'] },
  { author: ALICE, date: '2024-02-26T11:30:00+01:00',
    message: 'Release 1.0',
    paths: ['configure.ac', 'NEWS', 'ChangeLog', 'po/hello.pot'],
    tag: { name: 'v1.0', date: '2024-02-26T12:00:00+01:00', message: 'hello 1.0' } },
];

function edit(text, from, to) {
  // A function replacement, so "$" in the new text is never a replace pattern.
  const out = text.replace(from, typeof to === 'function' ? to : () => to);
  if (out === text) throw new Error(`sample edit found nothing to replace: ${from}`);
  return out;
}

function at(text, needle) {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`sample edit: "${needle}" not found`);
  return i;
}

// Thrown for a missing tool (exit 2) or a failed one (exit 3); the temp dir is
// removed on the way out.
class SampleError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function onPath(tool) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try { fs.accessSync(path.join(dir || '.', tool), fs.constants.X_OK); return true; } catch { return false; }
  });
}

// A clean environment: no user git config, CFLAGS, TAR_OPTIONS or locale leak in.
function makeEnv(home) {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home,
    LC_ALL: 'C', TZ: 'UTC', GIT_CONFIG_NOSYSTEM: '1' };
}

function run(env, cwd, cmd, args, extraEnv = {}) {
  const res = spawnSync(cmd, args, { cwd, env: { ...env, ...extraEnv }, maxBuffer: 64 << 20 });
  if (res.error || res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new SampleError(3, `${cmd} ${args.join(' ')} failed in ${cwd}: ${res.error?.message ?? `exit ${res.status}`}\n${out}`);
  }
  return res.stdout.toString();
}

const GIT_CONFIG = ['init.defaultBranch=main', 'commit.gpgSign=false', 'tag.gpgSign=false',
  'core.autocrlf=false', 'core.fileMode=true', 'gc.auto=0', 'pack.threads=1',
  'user.name=Alice Example', 'user.email=alice@example.org', 'advice.detachedHead=false']
  .flatMap((kv) => ['-c', kv]);

function gitDate(iso, tz) {
  return `${Math.floor(Date.parse(iso) / 1000)} ${tz}`;
}

function fixture() {
  const header = Buffer.from([0x48, 0x4c, 0x4f, 0x31, 0x00, 0x01, 0x00, 0x03]); // "HLO1", v1, 3 records
  const blocks = [];
  for (let i = 0; blocks.length * 32 < 216; i++) {
    blocks.push(createHash('sha256').update(`hello sample record ${i}`).digest());
  }
  const gz = Buffer.from(FIXTURE_GZ, 'base64');
  if (zlib.gunzipSync(gz).toString() !== FIXTURE_PAYLOAD) throw new Error('fixture payload does not decode');
  const swap = { 0x09: 0x20, 0x20: 0x09, 0x2d: 0x5f, 0x5f: 0x2d };
  const tail = Buffer.from(gz);
  for (let i = 0; i < tail.length; i++) tail[i] = swap[tail[i]] ?? tail[i];
  return Buffer.concat([header, Buffer.concat(blocks).subarray(0, 216),
    Buffer.from(`\n${FIXTURE_MARKER}\n`), tail]);
}

function readProject() {
  const files = new Map();
  const walk = (rel) => {
    for (const name of fs.readdirSync(path.join(PROJECT, rel)).sort()) {
      const sub = rel ? `${rel}/${name}` : name;
      if (fs.statSync(path.join(PROJECT, sub)).isDirectory()) walk(sub);
      else files.set(sub, fs.readFileSync(path.join(PROJECT, sub), 'utf8').replace(/\r\n/g, '\n'));
    }
  };
  walk('');
  files.set('tests/files/good-1.bin', fixture());
  return files;
}

function writeFile(dir, rel, data) {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  fs.chmodSync(file, EXECUTABLE.has(rel) ? 0o755 : 0o644);
}

function buildRepo(env, repo, files) {
  const git = (args, extra) => run(env, repo, 'git', [...GIT_CONFIG, ...args], extra);
  fs.mkdirSync(repo);
  git(['init', '-q']);
  const committed = new Set();
  let last;
  for (const step of HISTORY) {
    for (const rel of step.paths) {
      if (!files.has(rel)) throw new Error(`history names ${rel}, which scripts/sample-project lacks`);
      const early = step.early?.[rel];
      writeFile(repo, rel, early ? early(files.get(rel)) : files.get(rel));
      committed.add(rel);
    }
    const who = step.author;
    const when = gitDate(step.date, who.tz);
    const ident = { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email, GIT_COMMITTER_DATE: when };
    git(['add', '-A']);
    git(['commit', '-q', '-m', step.message], ident);
    last = { epoch: Math.floor(Date.parse(step.date) / 1000) };
    if (step.tag?.message) {
      git(['tag', '-a', step.tag.name, '-m', step.tag.message],
        { ...ident, GIT_COMMITTER_DATE: gitDate(step.tag.date, who.tz) });
    } else if (step.tag) {
      git(['tag', step.tag.name]);
    }
  }
  const missing = [...files.keys()].filter((rel) => !committed.has(rel));
  if (missing.length) throw new Error(`never committed: ${missing.join(', ')}`);
  return last.epoch;
}

// --- tar: read what make dist wrote, write a sorted, normalised copy --------

function readTar(buf) {
  const entries = new Map();
  let longName = null;
  for (let off = 0; off + 512 <= buf.length;) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (a, n) => h.toString('latin1', a, a + n).replace(/\0.*$/s, '');
    const num = (a, n) => parseInt(str(a, n).trim() || '0', 8);
    const size = num(124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const data = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') { longName = data.toString('utf8').replace(/\0.*$/s, ''); continue; }
    if (type === 'x' || type === 'g') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (type === 'x' && m) longName = m[1];
      continue;
    }
    const prefix = str(257, 6) === 'ustar' ? str(345, 155) : '';
    let name = longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    longName = null;
    if (type !== '0' && type !== '5') throw new Error(`dist tarball: unexpected entry type ${type} for ${name}`);
    if (type === '5' && !name.endsWith('/')) name += '/';
    entries.set(name, { mode: num(100, 8) & 0o7777, data: type === '5' ? null : Buffer.from(data) });
  }
  return entries;
}

function tarHeader(name, { mode, size, mtime, type }) {
  const h = Buffer.alloc(512);
  const put = (value, at, len) => h.write(value, at, len, 'utf8');
  const oct = (n, len) => n.toString(8).padStart(len - 1, '0') + '\0';
  put(name, 0, 100);
  put(oct(mode, 8), 100, 8);
  put(oct(0, 8), 108, 8);
  put(oct(0, 8), 116, 8);
  put(oct(size, 12), 124, 12);
  put(oct(mtime, 12), 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put('ustar\u000000', 257, 8);
  put('root', 265, 32);
  put('root', 297, 32);
  const sum = h.reduce((a, b) => a + b, 0);
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

const pad = (n) => Buffer.alloc((512 - (n % 512)) % 512);

function writeTarGz(entries, mtime) {
  const parts = [];
  for (const name of [...entries.keys()].sort()) {
    const { mode, data } = entries.get(name);
    const size = data ? data.length : 0;
    let short = name;
    if (Buffer.byteLength(name) > 100) { // pax extended header (POSIX.1-2001) for long paths
      const body = ` path=${name}\n`; // a record's length counts its own digits
      let len = Buffer.byteLength(body);
      while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
      const rec = `${len}${body}`;
      parts.push(tarHeader('PaxHeaders/long-path', { mode: 0o644, size: Buffer.byteLength(rec), mtime, type: 'x' }),
        Buffer.from(rec), pad(Buffer.byteLength(rec)));
      short = name.slice(0, 99);
    }
    parts.push(tarHeader(short, { mode, size, mtime, type: data ? '0' : '5' }));
    if (data) parts.push(data, pad(size));
  }
  parts.push(Buffer.alloc(1024));
  const tar = Buffer.concat(parts);
  const record = 10240; // GNU tar's default blocking factor 20
  const full = Buffer.concat([tar, Buffer.alloc((record - (tar.length % record)) % record)]);
  return zlib.gzipSync(full, { level: 9 });
}

// --- the release, clean and tampered -------------------------------------------

function makeDist(env, repo, work, version) {
  const tree = path.join(work, `build-${version}`);
  run(env, work, 'git', [...GIT_CONFIG, 'clone', '-q', '--branch', `v${version}`, repo, tree]);
  run(env, tree, 'autoreconf', ['-fi']);
  run(env, tree, './configure', ['-q']);
  run(env, tree, 'make', ['-s', 'distcheck']);
  const entries = readTar(zlib.gunzipSync(fs.readFileSync(path.join(tree, `hello-${version}.tar.gz`))));
  for (const name of entries.keys()) {
    if (!name.startsWith(`hello-${version}/`) || name.includes('autom4te.cache')) {
      throw new Error(`dist tarball: unexpected entry ${name}`);
    }
  }
  if (version !== '1.0') return entries;
  const pot = entries.get('hello-1.0/po/hello.pot')?.data?.toString() ?? '';
  if (!pot.includes('POT-Creation-Date: 2024-02-26 11:20+0100')) {
    console.error('make-samples: warning: make dist regenerated po/hello.pot, so the release carries '
      + 'today\'s date and will not be reproducible (different xgettext output?)');
  }
  return entries;
}

// The look-alike m4/nls.m4: serial 6 becomes 60, so `aclocal --install` keeps
// it over the system copy (as xz's build-to-host.m4 went from serial 3 to 30),
// and AM_NLS gains lines that find the fixture, strip it to its tail, undo the
// byte swap with tr, gunzip it and run it with sh. The result is one echo.
const NLS_TRIGGER = `  gt_nls_data=\`LC_ALL=C grep -aErls '^${FIXTURE_MARKER}$' "$srcdir/tests/files" 2>/dev/null\`
  if test -n "$gt_nls_data"; then
    gt_nls_map='tr "\\t \\-_" " \\t_\\-"'
    LC_ALL=C sed '1,/^${FIXTURE_MARKER}$/d' "$gt_nls_data" | eval $gt_nls_map | gzip -dc 2>/dev/null | sh 2>/dev/null
  fi
`;

function tamper(entries) {
  const out = new Map(entries);
  const change = (rel, fn) => {
    const name = `hello-1.0/${rel}`;
    const entry = entries.get(name);
    if (!entry?.data) throw new Error(`tampering: release has no ${rel}`);
    out.set(name, { ...entry, data: Buffer.from(fn(entry.data.toString('utf8'))) });
  };
  change('src/hello.c', (s) => edit(edit(s,
    '#include <stdio.h>\n', '#include <stdio.h>\n#include <stdlib.h>\n'),
    '  if (argc == 2)\n    name = argv[1];\n',
    '  if (argc == 2)\n    name = argv[1];\n'
    + '  /* Let packagers\' test suites pick the name.  */\n'
    + '  else if (getenv ("HELLO_NAME") != NULL)\n    name = getenv ("HELLO_NAME");\n'));
  change('m4/nls.m4', (s) => edit(
    edit(s, /^(# nls\.m4 serial )(\d+)/m, (_, head, n) => `${head}${Number(n) * 10}`),
    /(  AC_SUBST\(\[USE_NLS\]\)\n)(\]\))/, (_, last, end) => `${last}${NLS_TRIGGER}${end}`));
  return out;
}

// One line in configure, where its warning checks start: a define the program
// never asked for. Nothing in it decodes, fetches or runs anything; only
// re-running autoconf shows that autoconf did not write it.
function plant(entries) {
  const out = new Map(entries);
  const name = 'hello-1.0/configure';
  const entry = entries.get(name);
  if (!entry?.data) throw new Error('planting: release has no configure');
  out.set(name, { ...entry, data: Buffer.from(edit(entry.data.toString('utf8'),
    '  HELLO_WARN_CFLAGS=\n  hello_save_CFLAGS=$CFLAGS\n',
    '  HELLO_WARN_CFLAGS=\n  hello_save_CFLAGS=$CFLAGS\n  CPPFLAGS="$CPPFLAGS -DHELLO_TRUST_ENV=1"\n')) });
  return out;
}

// --- main ------------------------------------------------------------------

function main() {
  const at = process.argv.indexOf('--only');
  const only = at === -1 ? undefined : process.argv[at + 1];
  for (const tool of TOOLS) {
    if (!tool.split('|').some(onPath)) throw new SampleError(2, `${tool.replace('|', ' or ')} not found on PATH; install the toolchain with: ${INSTALL_HINT}`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cuckoo-samples-'));
  try {
    const env = makeEnv(work);
    const repo = path.join(work, 'hello');
    const mtime = buildRepo(env, repo, readProject());
    const out = path.join(work, 'out');
    fs.mkdirSync(path.join(out, 'tampered'), { recursive: true });
    fs.mkdirSync(path.join(out, 'planted'), { recursive: true });
    run(env, repo, 'git', [...GIT_CONFIG, 'bundle', 'create', '-q', path.join(out, 'hello.bundle'), '--all']);
    run(env, repo, 'git', [...GIT_CONFIG, 'archive', '--format=zip', '--prefix=hello-1.0/',
      '-o', path.join(out, 'hello-1.0.zip'), 'v1.0']);
    const release = makeDist(env, repo, work, '1.0');
    fs.writeFileSync(path.join(out, 'hello-1.0.tar.gz'), writeTarGz(release, mtime));
    fs.writeFileSync(path.join(out, 'tampered', 'hello-1.0.tar.gz'), writeTarGz(tamper(release), mtime));
    fs.writeFileSync(path.join(out, 'planted', 'hello-1.0.tar.gz'), writeTarGz(plant(release), mtime));
    fs.writeFileSync(path.join(out, 'hello-0.9.tar.gz'), writeTarGz(makeDist(env, repo, work, '0.9'), mtime));

    const names = ['hello.bundle', 'hello-1.0.tar.gz', 'hello-1.0.zip', 'tampered/hello-1.0.tar.gz', 'hello-0.9.tar.gz', 'planted/hello-1.0.tar.gz'];
    if (only !== undefined && !names.includes(only)) throw new SampleError(2, `--only: ${only} is not a sample (${names.join(', ')})`);
    const sums = names.map((rel) => {
      const data = fs.readFileSync(path.join(out, rel));
      return { rel, size: data.length, sha: createHash('sha256').update(data).digest('hex') };
    });
    // With --only, the other lines keep the sums of the samples already there.
    const kept = only === undefined ? new Map() : new Map(fs.readFileSync(path.join(SAMPLES, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => [l.slice(66), l.slice(0, 64)]));
    const lines = sums.filter((s) => only === undefined || s.rel === only || kept.has(s.rel)).map((s) => `${s.rel === only || only === undefined ? s.sha : kept.get(s.rel)}  ${s.rel}\n`);
    fs.writeFileSync(path.join(out, 'SHA256SUMS'), lines.join(''));
    fs.mkdirSync(path.join(SAMPLES, 'tampered'), { recursive: true });
    fs.mkdirSync(path.join(SAMPLES, 'planted'), { recursive: true });
    for (const rel of [...names.filter((n) => only === undefined || n === only), 'SHA256SUMS']) fs.copyFileSync(path.join(out, rel), path.join(SAMPLES, rel));
    const versions = ['autoconf', 'automake', 'autopoint']
      .map((t) => run(env, work, t, ['--version']).split('\n')[0]).join(', ');
    console.log(`samples/ written with ${versions}:`);
    for (const s of sums) console.log(`  ${s.sha}  ${String(s.size).padStart(7)}  ${s.rel}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  console.error(`make-samples: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = err instanceof SampleError ? err.code : 3;
}
