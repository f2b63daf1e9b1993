// Part of `make bench` (--scaling): cuckoo's time per entry on releases of tiny files, 5,000 to
// 50,000 of them, with 2% release-only, 2% modified and 0.2% dropped files. Flat time per file shows
// no path is handled in time that grows with the number of files (no quadratic lookups).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

async function repoOf(dir, n) {
  spawnSync('git', ['init', '-q', '-b', 'main', dir]);
  const fi = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = once(fi, 'exit');
  const lines = [];
  const paths = [];
  for (let i = 0; i < n; i++) {
    const path = `src/d${i % Math.ceil(n / 50)}/f${i}.c`;
    paths.push(path);
    const data = `/* file ${i} */\nint f${i}(void) { return ${i}; }\n`;
    lines.push(`blob\nmark :${i + 1}\ndata ${Buffer.byteLength(data)}\n${data}\n`);
  }
  const who = 'Bench <bench@example.com> 1700000000 +0000';
  lines.push(`commit refs/heads/main\nmark :${n + 1}\ncommitter ${who}\ndata 2\nx\n`);
  lines.push(paths.map((p, i) => `M 100644 :${i + 1} ${p}\n`).join(''));
  lines.push(`\ntag v1.0\nfrom :${n + 1}\ntagger ${who}\ndata 2\nx\n`);
  fi.stdin.end(lines.join(''));
  await exited;
  return paths;
}

const sh = (cmd) => { const p = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] }); if (p.status !== 0) throw new Error(`${cmd}: exit ${p.status}`); };

/** Rows of { files, wall, perFile (ms per 1,000 entries) }. */
export async function measureScaling({ tmp, cuckoo, sizes = [5000, 20000, 50000] }) {
  const rows = [];
  for (const n of sizes) {
    const dir = join(tmp, `scale-${n}`);
    mkdirSync(dir);
    const repo = join(dir, 'repo');
    const paths = await repoOf(repo, n);
    const work = join(dir, 'work');
    mkdirSync(work);
    sh(`git -C ${repo} archive --prefix=p/ v1.0 | tar -x -C ${work}`);
    const step = 50;
    const added = [];
    for (let i = 0; i < n / step; i++) added.push(`p/gen/g${i}.c`);
    sh(`mkdir -p ${work}/p/gen && cd ${work} && for f in ${added.join(' ')}; do echo "/* generated */" > $f; done`);
    const modified = paths.filter((_, i) => i % step === 1).map((p) => `${work}/p/${p}`);
    const dropped = paths.filter((_, i) => i % (step * 10) === 3).map((p) => `${work}/p/${p}`);
    sh(`printf '%s\\n' ${modified.join(' ')} | xargs -n 500 sh -c 'for f; do echo "/* patched */" >> "$f"; done' _`);
    sh(`printf '%s\\n' ${dropped.join(' ')} | xargs rm`);
    const archive = join(dir, 'p.tar.gz');
    sh(`tar -C ${work} --sort=name -cf - p | gzip -1 > ${archive}`);
    rmSync(work, { recursive: true, force: true });
    const t0 = process.hrtime.bigint();
    const p = spawnSync('node', [cuckoo, 'verify', archive, '--repo', repo, '--tag', 'v1.0', '--format', 'json', '--cache-dir', join(dir, 'cache')], { stdio: ['ignore', 'ignore', 'inherit'] });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (p.status !== 0 && p.status !== 1) throw new Error(`cuckoo on ${n} files: exit ${p.status}`);
    rows.push({ files: n, wall, perFile: (wall / n) * 1e6 });
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
