// Part of `make bench`: what reproduction adds. For each release/tag pair, the wall time of
// `cuckoo verify` with --no-reproduce, with reproduction on a cold cache (the generators run in
// bubblewrap), and again on the warm cache (results taken from <cache>/reproduce); medians of
// --runs, each cold run on a fresh cache. The pairs: the bundled sample, plus each
// `RELEASE,REPO,TAG` given with --real (Debian's .orig tarballs against upstream clones, say).
//
//   node scripts/bench-reproduce.mjs [--runs N] [--real RELEASE,REPO,TAG]...
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cuckoo = join(root, 'bin/cuckoo.js');

function run(args, cache) {
  const t0 = process.hrtime.bigint();
  const p = spawnSync(process.execPath, [cuckoo, 'verify', ...args, '--format', 'json', '--no-host-knowledge', '--cache-dir', cache], { encoding: 'utf8', maxBuffer: 512 * 1024 ** 2 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (p.status !== 0 && p.status !== 1) throw new Error(`cuckoo verify ${args.join(' ')}: exit ${p.status}: ${p.stderr}`);
  return { wall, report: JSON.parse(p.stdout) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One pair: --no-reproduce, cold, warm; and what reproduction proved. */
export function measureReproduction({ release, repo, tag, runs = 3 }) {
  const args = [release, '--repo', repo, ...(tag ? ['--tag', tag] : [])];
  const off = [];
  const cold = [];
  const warm = [];
  let report;
  for (let i = 0; i < runs; i++) {
    const cache = mkdtempSync(join(tmpdir(), 'cuckoo-bench-reproduce-'));
    try {
      off.push(run([...args, '--no-reproduce'], cache).wall);
      rmSync(join(cache, 'reproduce'), { recursive: true, force: true });
      const c = run(args, cache);
      cold.push(c.wall);
      report = c.report;
      warm.push(run(args, cache).wall);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
  const r = report.reproduction;
  const above = report.findings.filter((f) => (f.evidence.reproduced || f.evidence.notReproduced) && ['medium', 'high', 'critical'].includes(f.severity)).length;
  return { name: basename(release), off: median(off), cold: median(cold), warm: median(warm), counts: r?.counts, sandbox: r?.sandbox ?? 'none asked', above };
}

export function reproductionTable(rows) {
  const head = ['release', '--no-reproduce', 'cold', 'added', 'warm', 'added', 'proven', 'normalised', 'different', 'not tried', 'above low'];
  const sec = (s) => `${s.toFixed(2)} s`;
  const body = rows.map((x) => [x.name, sec(x.off), sec(x.cold), `+${(x.cold - x.off).toFixed(2)} s`, sec(x.warm), `+${Math.max(0, x.warm - x.off).toFixed(2)} s`,
    String(x.counts?.reproduced ?? 0), String(x.counts?.normalised ?? 0), String(x.counts?.different ?? 0), String(x.counts?.notTried ?? 0), String(x.above)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ')} |`;
  return [line(head), `|${w.map((n, i) => (i ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|')}|`, ...body.map(line)].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    const head = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0);
    console.log(head.slice(0, head.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    process.exit(0);
  }
  let runs = 3;
  const pairs = [{ release: join(root, 'samples/hello-1.0.tar.gz'), repo: join(root, 'samples/hello.bundle'), tag: 'v1.0' }];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs' && Number(argv[i + 1]) > 0) runs = Number(argv[++i]);
    else if (argv[i] === '--real' && argv[i + 1]?.split(',').length === 3) {
      const [release, repo, tag] = argv[++i].split(',');
      pairs.push({ release: resolve(release), repo: resolve(repo), tag });
    } else {
      console.error(`bench-reproduce: unknown option ${argv[i]} (see --help)`);
      process.exit(2);
    }
  }
  const rows = pairs.map((p) => measureReproduction({ ...p, runs }));
  console.log(`reproduction (medians of ${runs}; "added" is over --no-reproduce):\n\n${reproductionTable(rows)}`);
}
