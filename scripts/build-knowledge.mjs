#!/usr/bin/env node
// Builds knowledge/index.json, the shipped library of known-good files, from
// Debian's packages of the tools that copy files into releases (autoconf,
// automake, libtool, gettext and autopoint's archive of every gettext version,
// gnulib, autoconf-archive, pkgconf, texinfo, autotools-dev).
//
// Usage: node scripts/build-knowledge.mjs [--out knowledge/index.json] [--debs DIR]
//   --debs DIR  use the .deb files already in DIR instead of `apt-get download`.
// Needs apt-get (with a configured mirror), dpkg-deb, tar and xz. CI does not
// run it: the index is committed. The index holds names, serials and hashes,
// never the files themselves.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The compiled code, so the index and the rules agree on names and serials (`make knowledge` builds first).
import { auxNames } from '../dist/src/analyze/knowledge/names.js';
import { m4CodeHash, parseSerial } from '../dist/src/analyze/m4.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const out = resolve(option('--out') ?? join(root, 'knowledge/index.json'));

// Binary packages whose files end up in release tarballs. texinfo.tex also
// ships in automake and gnulib; texinfo's own copy is the one TeX uses.
const packages = ['autoconf', 'automake', 'libtool', 'gettext', 'autopoint', 'gnulib', 'autoconf-archive', 'pkgconf', 'texinfo', 'autotools-dev'];

// autoconf's own m4 (m4sugar, autotest, autoconf/) is read from its data
// folder at run time and never copied into a project.
const internalM4 = /^usr\/share\/autoconf\/(autoconf|autotest|m4sugar)\//;

function wanted(path) {
  const name = posix.basename(path);
  if (name.endsWith('.m4')) return !internalM4.test(path);
  if (auxNames.has(name)) return true;
  // Everything gnulib-tool may copy as an aux file.
  return /^usr\/share\/gnulib\/build-aux\//.test(path);
}

function run(cmd, argv, opts = {}) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26, ...opts });
  } catch (err) {
    throw new Error(`${cmd} ${argv.join(' ')}: ${err.stderr || err.message}`);
  }
}

function describe(bytes, name, path, origin) {
  const header = (algo) => createHash(algo).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  const file = { name, path };
  if (name.endsWith('.m4')) {
    const text = bytes.toString('latin1');
    const serial = parseSerial(text);
    if (serial !== undefined) file.serial = serial;
    file.codeHash = m4CodeHash(text);
  }
  file.blobId = header('sha1');
  file.blobId256 = header('sha256');
  file.sha256 = createHash('sha256').update(bytes).digest('hex');
  file.size = bytes.length;
  file.origin = origin;
  return file;
}

/** Regular files under dir, symlinks resolved inside the extracted tree (automake links config.guess to autotools-dev). */
function* walk(base, dir = base) {
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    let st = lstatSync(full);
    let real = full;
    if (st.isSymbolicLink()) {
      const target = readlinkSync(full);
      real = target.startsWith('/') ? join(base, target) : resolve(dirname(full), target);
      try {
        st = lstatSync(real);
      } catch {
        continue; // points into another package
      }
    }
    if (st.isDirectory() && !lstatSync(full).isSymbolicLink()) yield* walk(base, full);
    else if (st.isFile()) yield { rel: relative(base, full).split('\\').join('/'), real };
  }
}

const work = mkdtempSync(join(tmpdir(), 'cuckoo-knowledge-'));
try {
  let debs = option('--debs');
  if (!debs) {
    debs = join(work, 'debs');
    mkdirSync(debs);
    run('apt-get', ['download', ...packages], { cwd: debs });
  }
  const files = [];
  const summary = [];
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb')).sort()) {
    const debPath = join(debs, deb);
    const pkg = run('dpkg-deb', ['-f', debPath, 'Package']).trim();
    if (!packages.includes(pkg)) continue;
    const version = run('dpkg-deb', ['-f', debPath, 'Version']).trim();
    const tree = join(work, 'x', pkg);
    mkdirSync(tree, { recursive: true });
    run('dpkg-deb', ['-x', debPath, tree]);
    const before = files.length;
    for (const { rel, real } of walk(tree)) {
      if (!wanted(rel)) continue;
      files.push(describe(readFileSync(real), posix.basename(rel), `/${rel}`, { package: pkg, version }));
    }
    // autopoint carries the files of every gettext release since 0.10.35;
    // projects ship whichever one they were gettextized with.
    const archive = join(tree, 'usr/share/gettext/archive.dir.tar.xz');
    if (pkg === 'autopoint' && lstatSync(archive, { throwIfNoEntry: false })) {
      const dir = join(work, 'gettext-archive');
      mkdirSync(dir);
      run('tar', ['-xJf', archive, '-C', dir]);
      for (const { rel, real } of walk(dir)) {
        const release = rel.split('/')[0];
        const name = posix.basename(rel);
        if (!release.startsWith('gettext-') || !(name.endsWith('.m4') || auxNames.has(name))) continue;
        files.push(describe(readFileSync(real), name, `${archive.slice(tree.length)}:${rel}`, { package: 'gettext', version: release.slice('gettext-'.length) }));
      }
    }
    summary.push(`${pkg} ${version}: ${files.length - before} files`);
  }
  const key = (f) => [f.name, f.origin.package, f.origin.version, f.path].join('\0');
  files.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  mkdirSync(dirname(out), { recursive: true });
  // One file per line: small diffs when the index is rebuilt.
  const body = files.map((f) => JSON.stringify(f)).join(',\n');
  writeFileSync(out, `{"format":"cuckoo.knowledge/v1","files":[\n${body}\n]}\n`);
  for (const line of summary) console.log(line);
  const names = new Set(files.map((f) => f.name)).size;
  console.log(`${files.length} files (${names} names) written to ${relative(process.cwd(), out) || out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
