/**
 * A local HTTP server on 127.0.0.1 for download tests: static bodies,
 * redirects, status codes, slow and truncated responses, and git's own
 * http-backend as CGI for git-over-HTTP. It counts requests per path, and
 * never keeps the test process alive by itself (it is unref'd), so a failing
 * test cannot leave it behind; it serves for as long as a test takes.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route =
  | { body: Buffer | string; status?: number; headers?: Record<string, string> }
  | { redirect: string; status?: number }
  | { status: number }
  | { truncate: Buffer; after: number }
  | { slow: Buffer; delayMs: number }
  | { body: Buffer; contentLength: number }
  /**
   * git http-backend; with cutFetch the connection drops in the middle of
   * every pack it sends, with slowFetchMs every pack starts that much later.
   */
  | { gitRoot: string; cutFetch?: boolean; slowFetchMs?: number };

export interface TestServer {
  url: string;
  hits: Map<string, number>;
  /** Responses of a slow route the client closed before they were complete, per path. */
  abandoned: Map<string, number>;
  /** Resolves once a response of the slow route at `path` has closed, abandoned or complete. */
  slowClosed(path: string): Promise<void>;
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const hits = new Map<string, number>();
  const abandoned = new Map<string, number>();
  const closed = new Map<string, number>();
  const waiting = new Map<string, Array<() => void>>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const git = [...table.entries()].find(([prefix, r]) => 'gitRoot' in r && path.startsWith(prefix));
    const route = git ? git[1] : table.get(path);
    if (!route) return void res.writeHead(404).end('not found');
    if ('gitRoot' in route) return gitBackend(route, git![0], req, res);
    if ('redirect' in route) return void res.writeHead(route.status ?? 302, { location: route.redirect }).end();
    if ('truncate' in route) {
      res.writeHead(200, { 'content-length': String(route.truncate.length) });
      res.write(route.truncate.subarray(0, route.after));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    if ('slow' in route) {
      res.writeHead(200, { 'content-length': String(route.slow.length) });
      res.write(route.slow.subarray(0, 10));
      const timer = setTimeout(() => res.end(route.slow.subarray(10)), route.delayMs);
      res.on('close', () => {
        clearTimeout(timer);
        if (!res.writableFinished) abandoned.set(path, (abandoned.get(path) ?? 0) + 1);
        closed.set(path, (closed.get(path) ?? 0) + 1);
        for (const resolve of waiting.get(path) ?? []) resolve();
        waiting.delete(path);
      });
      return;
    }
    if ('contentLength' in route) {
      // A Content-Length that is not the body's: the client must not take what follows as the file.
      res.writeHead(200, { 'content-length': String(route.contentLength) });
      res.end(route.body);
      return;
    }
    if ('body' in route) {
      const body = Buffer.from(route.body);
      return void res.writeHead(route.status ?? 200, { 'content-length': String(body.length), ...route.headers }).end(body);
    }
    res.writeHead(route.status).end(`status ${route.status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A server a failing test forgot to close does not keep the test process running.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    abandoned,
    slowClosed: (path) => (closed.get(path) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(path, [...(waiting.get(path) ?? []), resolve]))),
    routes: table,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** git http-backend (git-http-backend(1)) as CGI, serving the repositories under `root` at `prefix`. */
function gitBackend({ gitRoot: root, cutFetch = false, slowFetchMs = 0 }: { gitRoot: string; cutFetch?: boolean; slowFetchMs?: number }, prefix: string, req: IncomingMessage, res: ServerResponse): void {
  const [path, query = ''] = (req.url ?? '').split('?');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: path!.slice(prefix.length - 1),
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: query,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      // git gzips large request bodies (many wants); http-backend inflates them when told.
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  // Protocol v2 asks for a pack with `command=fetch` (gitprotocol-v2(5)).
  let cut = false;
  // A backend killed (cutFetch) or gone before its input is written is not the test's failure.
  child.stdin.on('error', () => undefined);
  const request: Buffer[] = [];
  req.on('data', (chunk: Buffer) => request.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(request);
    const fetch = body.includes('command=fetch');
    cut = cutFetch && fetch;
    setTimeout(() => child.stdin.end(body), fetch ? slowFetchMs : 0);
  });
  let head = Buffer.alloc(0);
  let sent = false;
  const forward = (chunk: Buffer) => {
    if (!cut) return void res.write(chunk);
    // The server goes away in the middle of the pack.
    res.write(chunk.subarray(0, Math.ceil(chunk.length / 2)));
    res.destroy();
    child.kill();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    if (sent) return forward(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'status') status = Number(value.split(' ')[0]);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    sent = true;
    forward(head.subarray(end + 4));
  });
  child.on('close', () => res.end());
}
