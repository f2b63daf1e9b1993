// Part of `make bench`: a release shaped like a real autotools project rather than a big one. Many
// small files (log-normal sizes, median about 2.5 kB) in a few hundred folders, translations and
// man-page sources in the tag; the release adds what `make dist` adds (configure, aclocal.m4,
// config.h.in, build-aux/, m4/, a Makefile.in per Makefile.am carrying its lines, compiled .gmo
// catalogs, help2man pages, a makeinfo manual, a generated ChangeLog, .tarball-version), refreshes
// every .po file (dates and source references, as `make update-po` does), edits a line in the
// middle of some sources and leaves out CI files. Same seed, same bytes.
//
// makeTree({ dir, files, seed }) writes DIR/repo (tag v1.0) and DIR/tree-1.0.tar.xz, .tar.gz, and
// returns { repo, prefix, archives, expected } (expected: the counts the report must give).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const TREE_PREFIX = 'tree-1.0';
const LANGS = 'ca cs da de el eo es eu fi fr ga gl hr hu id it ja ko nb nl pl pt pt_BR ro ru sk sl sr sv tr uk vi zh_CN zh_TW'.split(' ');

/** mulberry32: a small seeded generator, so every run builds the same tree. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

export async function makeTree({ dir, files = 8000, seed = 1 }) {
  const r = rng(seed * 7919);
  const SYL = 'ba be bi bo ca ce co da de di fa fe ga go ha ka ki ko la le li lo ma me mi mo na ne no pa pe po ra re ri sa se so ta te ti to va xe zo'.split(' ');
  const WORDS = Array.from({ length: 800 }, () => Array.from({ length: 1 + r.int(3) }, () => r.pick(SYL)).join(''));
  const word = () => WORDS[Math.floor(WORDS.length * r.next() ** 3)];
  const words = (n) => Array.from({ length: n }, word).join(' ');
  const ident = () => (r.next() < 0.5 ? word() : `${word()}_${word()}`);
  /** C-like source of about `size` bytes. */
  const source = (size) => {
    const out = [`/* ${words(6)}\n   Copyright (C) ${1990 + r.int(33)}-2023 Free Software Foundation, Inc.  */\n`, `#include <config.h>\n#include "${word()}.h"\n`];
    let n = 120;
    while (n < size) {
      const f = [`static int\n${ident()} (struct ${word()} *${word()}, size_t n)\n{`];
      for (let k = 2 + r.int(8); k > 0; k--) f.push(r.next() < 0.3 ? `  /* ${words(3 + r.int(8))} */` : r.next() < 0.5 ? `  if (${ident()} > ${r.int(64)})\n    ${ident()} = ${ident()} (${ident()}, ${r.int(16)});` : `  ${ident()} = _("${words(2 + r.int(5))}");`);
      f.push('  return 0;\n}\n');
      const s = f.join('\n');
      out.push(s);
      n += s.length + 1;
    }
    return `${out.join('\n')}\n`;
  };
  const po = (lang, date) => {
    const out = [`# ${lang} translation of tree.\n# Copyright (C) 2023 Free Software Foundation, Inc.\nmsgid ""\nmsgstr ""\n"Project-Id-Version: tree 1.0\\n"\n"POT-Creation-Date: ${date}\\n"\n"Language: ${lang}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n`];
    for (let i = 0; i < 250; i++) out.push(`#: src/${word()}.c:${10 + r.int(2000)}\nmsgid "${words(2 + r.int(6))}"\nmsgstr "${words(2 + r.int(6))}"\n`);
    return out.join('\n');
  };

  // ---------- the tag ----------
  const dirs = new Set();
  const tops = ['src', 'lib', 'tests', 'doc', 'tools', 'contrib', 'gnulib-tests', 'include'];
  while (dirs.size < Math.max(8, Math.round(files / 20))) {
    const d = [r.pick(tops)];
    for (let k = r.int(3); k > 0; k--) d.push(word());
    dirs.add(d.join('/'));
  }
  const dirList = [...dirs].sort();
  const amDirs = dirList.filter((_, i) => i % 5 === 0);
  const tag = new Map();
  for (let i = 0; i < files; i++) {
    // Log-normal, median about 2.5 kB: most files small, a few large.
    const size = Math.min(200_000, Math.round(2500 * Math.exp(1.2 * Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next()))));
    const ext = r.pick(['c', 'c', 'c', 'h', 'h', 'sh', 'texi', 'm4']);
    tag.set(`${r.pick(dirList)}/${word()}${i.toString(36)}.${ext}`, { content: ext === 'texi' ? `@node ${word()}\n${words(Math.max(8, size / 6))}\n` : source(size), mode: ext === 'sh' ? '100755' : '100644' });
  }
  const put = (path, content, mode = '100644') => tag.set(path, { content, mode });
  put('configure.ac', `AC_INIT([tree], [1.0])\nAM_INIT_AUTOMAKE\nAC_PROG_CC\nLT_INIT\nAM_GNU_GETTEXT([external])\nAC_CONFIG_FILES([Makefile ${amDirs.map((d) => `${d}/Makefile`).join(' ')}])\nAC_OUTPUT\n`);
  put('Makefile.am', `SUBDIRS = ${amDirs.join(' ')} po\nACLOCAL_AMFLAGS = -I m4\nEXTRA_DIST = .tarball-version\n`);
  for (const d of amDirs) put(`${d}/Makefile.am`, `noinst_LIBRARIES = lib${word()}.a\nlib${word()}_a_SOURCES = ${[...tag.keys()].filter((p) => p.startsWith(`${d}/`) && p.endsWith('.c')).slice(0, 20).map((p) => p.slice(d.length + 1)).join(' ')}\nAM_CPPFLAGS = -I$(top_srcdir)/lib\n`);
  put('po/LINGUAS', `${LANGS.join('\n')}\n`);
  for (const l of LANGS) put(`po/${l}.po`, po(l, '2023-03-01 10:00+0100'));
  const progs = Array.from({ length: 30 }, (_, i) => `${word()}${i}`);
  for (const p of progs) put(`man/${p}.x`, `[NAME]\n${p} \\- ${words(5)}\n[DESCRIPTION]\n${words(40)}\n`);
  put('doc/manual.texi', `\\input texinfo\n@setfilename manual.info\n${words(4000)}\n@bye\n`);
  put('README', `${words(400)}\n`);
  put('NEWS', `* Noteworthy changes in release 1.0\n${words(600)}\n`);
  put('.gitignore', '*.o\n/configure\nMakefile.in\n*.gmo\n');
  put('.github/workflows/ci.yml', 'on: push\njobs: {}\n');
  put('.mailmap', 'Bench <bench@example.com>\n');

  mkdirSync(dir, { recursive: true });
  const repo = join(dir, 'repo');
  spawnSync('git', ['init', '-q', '-b', 'main', repo], { stdio: 'inherit' });
  const fi = spawn('git', ['fast-import', '--quiet'], { cwd: repo, stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = once(fi, 'exit');
  const write = async (chunk) => { if (!fi.stdin.write(chunk)) await once(fi.stdin, 'drain'); };
  const paths = [...tag.keys()];
  for (const [i, p] of paths.entries()) {
    const data = Buffer.from(tag.get(p).content);
    await write(`blob\nmark :${i + 1}\ndata ${data.length}\n`);
    await write(data);
    await write('\n');
  }
  const who = 'Bench <bench@example.com> 1700000000 +0000';
  await write(`commit refs/heads/main\nmark :${paths.length + 1}\ncommitter ${who}\ndata 8\nrelease\n`);
  await write(paths.map((p, i) => `M ${tag.get(p).mode} :${i + 1} ${p}\n`).join(''));
  await write(`\ntag v1.0\nfrom :${paths.length + 1}\ntagger ${who}\ndata 9\ntree 1.0\n`);
  fi.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`git fast-import exited with ${code}`);

  // ---------- the release ----------
  const work = join(dir, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  const ar = spawnSync('bash', ['-o', 'pipefail', '-c', `git -C '${repo}' archive --prefix=${TREE_PREFIX}/ v1.0 | tar -x -C '${work}'`], { stdio: 'inherit' });
  if (ar.status !== 0) throw new Error('git archive | tar -x failed');
  const at = (p) => join(work, TREE_PREFIX, p);
  let added = 0;
  const add = (p, content, mode = 0o644) => { mkdirSync(dirname(at(p)), { recursive: true }); writeFileSync(at(p), content, { mode }); added++; };
  const shell = (n) => Array.from({ length: n }, () => r.next() < 0.3 ? `# ${words(6)}` : `if test "x$${word()}" = x${word()}; then\n  ${word()}=${word()}\nfi`).join('\n');
  add('configure', `#! /bin/sh\n# Guess values for system-dependent variables and create Makefiles.\n# Generated by GNU Autoconf 2.71 for tree 1.0.\n${shell(12_000)}\n`, 0o755);
  add('aclocal.m4', `# generated automatically by aclocal 1.16.5 -*- Autoconf -*-\n${shell(1500)}\n`);
  add('config.h.in', `/* config.h.in.  Generated from configure.ac by autoheader.  */\n${Array.from({ length: 400 }, () => `/* ${words(5)} */\n#undef HAVE_${word().toUpperCase()}_${word().toUpperCase()}\n`).join('\n')}`);
  for (const f of ['config.guess', 'config.sub', 'install-sh', 'ltmain.sh', 'missing', 'depcomp', 'compile', 'test-driver']) add(`build-aux/${f}`, `#! /bin/sh\n# ${f} - ${words(5)}\nscriptversion=2018-03-07.03; # UTC\n${shell(600)}\n`, 0o755);
  for (const f of ['libtool', 'ltoptions', 'ltsugar', 'ltversion', 'lt~obsolete']) add(`m4/${f}.m4`, `# ${f}.m4 -- ${words(5)}\n# serial ${1 + r.int(60)} ${f}.m4\n${shell(200)}\n`);
  for (const d of ['', ...amDirs.map((x) => `${x}/`)]) {
    const am = tag.get(`${d}Makefile.am`).content;
    add(`${d}Makefile.in`, `# Makefile.in generated by automake 1.16.5 from Makefile.am.\n# @configure_input@\n\n${shell(150)}\n${am}\n${shell(300)}\n`);
  }
  for (const l of LANGS) {
    const b = Buffer.alloc(20_000 + r.int(40_000));
    b.writeUInt32LE(0x950412de, 0);
    for (let i = 4; i < b.length - 4; i += 4) b.writeUInt32LE((r.next() * 4294967296) >>> 0, i);
    add(`po/${l}.gmo`, b);
  }
  for (const p of progs) add(`man/${p}.1`, `.\\" DO NOT MODIFY THIS FILE!  It was generated by help2man 1.49.3.\n.TH ${p.toUpperCase()} "1" "March 2023" "tree 1.0" "User Commands"\n.SH NAME\n${p} \\- ${words(5)}\n.SH DESCRIPTION\n${words(300)}\n`);
  add('doc/manual.info', `This is manual.info, produced by makeinfo version 7.0.2 from manual.texi.\n\n${words(5000)}\n`);
  add('ChangeLog', Array.from({ length: 600 }, () => `2023-0${1 + r.int(9)}-1${r.int(10)}  ${word()} ${word()}  <${word()}@example.org>\n\n\t${words(12)}\n\t* src/${word()}.c (${ident()}): ${words(8)}\n`).join('\n'));
  add('.tarball-version', '1.0\n');
  // `make update-po`: a new date, and the source references of some entries moved.
  let modified = 0;
  for (const l of LANGS) {
    const text = readFileSync(at(`po/${l}.po`), 'utf8').replace('2023-03-01 10:00+0100', '2023-03-20 09:12+0100').replace(/^#: (\S+):(\d+)$/gm, (m, f, n) => (r.next() < 0.3 ? `#: ${f}:${Number(n) + 1 + r.int(9)}` : m));
    writeFileSync(at(`po/${l}.po`), text);
    modified++;
  }
  // A line edited in the middle of some sources.
  const sources = paths.filter((p) => p.endsWith('.c') && tag.get(p).content.length > 4000);
  for (let i = 0; i < Math.min(20, sources.length); i++) {
    const lines = readFileSync(at(sources[i * 3 % sources.length]), 'utf8').split('\n');
    const k = Math.floor(lines.length / 2);
    lines[k] = `${lines[k]} /* release fix */`;
    writeFileSync(at(sources[i * 3 % sources.length]), lines.join('\n'));
  }
  modified += new Set(Array.from({ length: Math.min(20, sources.length) }, (_, i) => i * 3 % sources.length)).size;
  const dropped = ['.gitignore', '.github/workflows/ci.yml', '.mailmap'];
  for (const p of dropped) unlinkSync(at(p));

  const tar = join(dir, `${TREE_PREFIX}.tar`);
  const pack = (cmd) => new Promise((ok, fail) => spawn('bash', ['-o', 'pipefail', '-c', cmd], { stdio: 'inherit' }).on('exit', (c) => (c === 0 ? ok() : fail(new Error(`${cmd}: exit ${c}`)))));
  await pack(`tar -C '${work}' --sort=name --owner=0 --group=0 --numeric-owner -cf '${tar}' ${TREE_PREFIX}`);
  await Promise.all([pack(`xz -T1 -6 -c '${tar}' > '${tar}.xz'`), pack(`gzip -6 -c '${tar}' > '${tar}.gz'`)]);
  rmSync(tar);
  rmSync(work, { recursive: true, force: true });
  const expected = { modified, onlyInRelease: added, onlyInTag: dropped.length };
  writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
  return { repo, prefix: TREE_PREFIX, archives: [`${tar}.xz`, `${tar}.gz`], expected, files: tag.size - dropped.length + added };
}
