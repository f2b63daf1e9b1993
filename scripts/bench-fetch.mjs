// Part of `make bench`: the repository served by `git http-backend` on 127.0.0.1, and the bytes
// cuckoo's partial fetch (trees, then only the blobs of differing files) receives compared with a
// full `git clone --bare`; then the same verify again on the cached remote.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Serves `repo`'s parent folder over smart HTTP; counts response bytes. */
export async function serveRepo(repo) {
  for (const [k, v] of [['uploadpack.allowFilter', 'true'], ['uploadpack.allowAnySHA1InWant', 'true'], ['http.uploadpack', 'true']]) {
    spawnSync('git', ['-C', repo, 'config', k, v]);
  }
  let bytes = 0;
  const server = createServer((req, res) => {
    const [path, query = ''] = (req.url ?? '').split('?');
    const child = spawn('git', ['http-backend'], {
      env: { PATH: process.env.PATH, GIT_PROJECT_ROOT: dirname(repo), GIT_HTTP_EXPORT_ALL: '1', PATH_INFO: path, REQUEST_METHOD: req.method,
        QUERY_STRING: query, CONTENT_TYPE: req.headers['content-type'] ?? '', HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '', GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''), REMOTE_ADDR: '127.0.0.1' },
    });
    child.stderr.on('data', (d) => process.env.BENCH_DEBUG && process.stderr.write(d));
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let sent = false;
    child.stdout.on('data', (chunk) => {
      if (sent) { bytes += chunk.length; return void res.write(chunk); }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const key = line.slice(0, colon).toLowerCase();
        if (key === 'status') status = Number(line.slice(colon + 1).trim().split(' ')[0]);
        else headers[key] = line.slice(colon + 1).trim();
      }
      res.writeHead(status, headers);
      sent = true;
      bytes += end + 4 <= head.length ? head.length - end - 4 : 0;
      res.write(head.subarray(end + 4));
    });
    child.on('close', () => res.end());
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/${basename(repo)}`,
    take: () => { const b = bytes; bytes = 0; return b; },
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }),
  };
}

/** { partial, clone, cold, warm }: bytes served and wall seconds of cuckoo on the remote, cold then cached. */
export async function measureFetch({ tmp, repo, archive, cuckoo }) {
  const served = await serveRepo(repo);
  try {
    const cache = join(tmp, 'cache-remote');
    // Asynchronous children: the server answering them runs in this process.
    const run = async (cmd, args, ok = [0]) => {
      const t0 = process.hrtime.bigint();
      const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
      const [code] = await once(p, 'exit');
      if (!ok.includes(code)) throw new Error(`${cmd} ${args.join(' ')}: exit ${code}`);
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    const verify = () => run('node', [cuckoo, 'verify', archive, '--repo', served.url, '--tag', 'v1.0', '--format', 'json', '--cache-dir', cache], [0, 1]);
    served.take();
    const cold = await verify();
    const partial = served.take();
    const warm = await verify();
    const rerun = served.take();
    const clone = join(tmp, 'clone.git');
    await run('git', ['clone', '--quiet', '--bare', served.url, clone]);
    const full = served.take();
    rmSync(clone, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
    return { partial, rerun, full, cold, warm };
  } finally {
    await served.close();
  }
}
