/**
 * A disk that fills while cuckoo writes its cache: a real full file system,
 * a tiny tmpfs mounted as the cache folder in a private mount namespace
 * (`unshare -rm`, no root needed where user namespaces are allowed). The run
 * ends with one line naming the cache folder (exit 2); nothing half-written
 * stays behind, and once there is room again the next run checks normally.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root } from '../helpers/cli.js';
import { compress } from '../helpers/archives.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { makeRepo, removeTempDirs, tempDir, type TestRepo } from '../helpers/repo.js';

const canMount = (() => {
  try {
    execFileSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=16k none "$1"', 'sh', '/tmp'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let server: TestServer;
let repo: TestRepo;
let release: Buffer;
const big = randomBytes(400_000);

test.before(async () => {
  const files: Record<string, string> = { 'configure.ac': 'AC_INIT([proj],[1.0])\n' };
  // Enough names that the tag's trees alone outgrow the tiny cache.
  for (let i = 0; i < 3000; i++) files[`src/${randomBytes(12).toString('hex')}.c`] = `${i}\n`;
  repo = await makeRepo({ packed: true, files: { ...files, 'data.bin': big.toString('latin1') }, tags: ['v1.0'] });
  await repo.git(['config', 'uploadpack.allowFilter', 'true']);
  await repo.git(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  release = await compress(await repo.gitBuffer(['archive', '--format=tar', '--prefix=proj-1.0/', 'v1.0']), 'gzip');
  server = await startServer({ '/proj-1.0.tar.gz': { body: release } });
});

test.after(async () => {
  await server.close();
  await removeTempDirs();
});

/**
 * Runs `cuckoo verify ARGS --cache-dir CACHE` with CACHE on a tmpfs of `size`,
 * then lists what the cache holds, then grows the tmpfs and runs again.
 */
function runOnTinyCache(size: string, args: string[]): Promise<{ first: number; stderr: string; stderr2: string; files: string[]; second: number; stdout: string }> {
  const script = [
    'mount -t tmpfs -o "size=$1" cuckoo "$2" || exit 99',
    'mnt="$2"; cache="$2/cuckoo"; shift 2',
    'node "$CUCKOO_BIN" verify "$@" --cache-dir "$cache" >/dev/null 2>"$ERR"; echo "first=$?"',
    'find "$cache" -type f ! -path "*/objects/pack/*" ! -name HEAD ! -name config ! -name description -printf "file=%P\\n" 2>/dev/null',
    'find "$cache" -path "*/objects/pack/*" -printf "file=%P\\n" 2>/dev/null',
    'mount -o remount,size=64m "$mnt"',
    'node "$CUCKOO_BIN" verify "$@" --cache-dir "$cache" --format json 2>"$ERR.2" >"$OUT"; echo "second=$?"',
  ].join('\n');
  return (async () => {
    const mnt = await tempDir('cuckoo-tiny-');
    const logs = await tempDir('cuckoo-tiny-logs-');
    const err = join(logs, 'stderr');
    const out = join(logs, 'stdout');
    const { readFile } = await import('node:fs/promises');
    const text = await new Promise<string>((resolve, reject) => {
      const child = spawn('unshare', ['-rm', 'sh', '-c', script, 'sh', size, mnt, ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CUCKOO_BIN: join(root, 'bin/cuckoo.js'), ERR: err, OUT: out },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('error', reject);
      child.on('close', () => resolve(stdout));
    });
    const value = (key: string) => Number(new RegExp(`^${key}=(\\d+)$`, 'm').exec(text)?.[1] ?? -1);
    return {
      first: value('first'),
      second: value('second'),
      stderr: await readFile(err, 'utf8'),
      stderr2: await readFile(`${err}.2`, 'utf8').catch(() => ''),
      stdout: await readFile(out, 'utf8'),
      files: [...text.matchAll(/^file=(.*)$/gm)].map((m) => m[1]!),
    };
  })();
}

test('a download that fills the disk: one line naming the cache folder, exit 2, nothing kept', async () => {
  if (!canMount) return console.log('  (skipped: no private mount namespace here)');
  const r = await runOnTinyCache('128k', [`${server.url}/proj-1.0.tar.gz`, '--allow-http', '--repo', repo.dir, '--tag', 'v1.0']);
  assert.is(r.first, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^cuckoo: no space left on the disk of the cache folder .*\/cuckoo\/downloads/);
  assert.match(lines[0]!, /free some space there, or pass --cache-dir/);
  assert.equal(r.files.filter((f) => f.startsWith('downloads/')), [], 'no partial download is left');
  assert.is(r.second, 0, 'with room again the next run downloads and passes');
  assert.is((JSON.parse(r.stdout) as { verdict: string }).verdict, 'pass');
});

test('a fetch into a cache repository that fills the disk: one line, exit 2; the next run is not misled by the remains', async () => {
  if (!canMount) return console.log('  (skipped: no private mount namespace here)');
  const local = join(await tempDir('cuckoo-tiny-release-'), 'proj-1.0.tar.gz');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(local, release);
  const r = await runOnTinyCache('48k', [local, '--repo', `file://${repo.gitDir}`, '--tag', 'v1.0']);
  assert.is(r.first, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^cuckoo: no space left on the disk of the cache folder .*\/cuckoo\/repos\/remote-[0-9a-f]+\.git/);
  assert.equal(r.files.filter((f) => f.endsWith('.pack') || f.endsWith('.idx')), [], `no pack was kept: ${r.files.join(', ')}`);
  assert.is(r.second, 0, `with room again the next run fetches and passes: ${r.stderr2}`);
  assert.is((JSON.parse(r.stdout) as { verdict: string }).verdict, 'pass');
});

test.run();
