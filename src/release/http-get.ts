/**
 * One HTTP GET with the safety a release download needs: https unless plain
 * http is allowed, a bounded number of redirects (each checked again), connect
 * and idle timeouts, and a size limit. Retries with backoff on transient
 * failures (connection errors, timeouts, 408, 429, 5xx), never on 4xx such as
 * 404, and only before the body starts: once bytes reach the caller a failure
 * is final, so nothing half-received is ever mixed with a second attempt.
 */
import type { IncomingMessage } from 'node:http';
import { CuckooError } from '../errors.js';

export interface HttpOptions {
  allowHttp?: boolean;
  /** Milliseconds to establish a connection (DNS, TCP, TLS). */
  connectTimeoutMs?: number;
  /** Milliseconds without a byte before the transfer is abandoned. */
  idleTimeoutMs?: number;
  /** Most bytes accepted. */
  maxBytes?: number;
  maxRedirects?: number;
  /** Attempts after the first one for transient failures. */
  retries?: number;
  /** First backoff in milliseconds, doubled each retry. */
  backoffMs?: number;
}

export const httpDefaults: Required<HttpOptions> = {
  allowHttp: false,
  connectTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  maxBytes: 4 * 1024 ** 3,
  maxRedirects: 5,
  retries: 3,
  backoffMs: 500,
};

export interface HttpResponse {
  /** The final URL after redirects. */
  url: string;
  /** Content-Length when the server sent one. */
  total: number | undefined;
  body: IncomingMessage;
}

export function isUrl(spec: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(spec);
}

/** A URL cuckoo may download from; 'usage' errors for other schemes and for http without --allow-http. */
export function checkUrl(spec: string, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new CuckooError('usage', `${spec}: not a valid URL`, { hint: 'pass an https:// URL or a local path' });
  }
  if (url.protocol === 'http:' && !allowHttp) {
    throw new CuckooError('usage', `${spec}: plain http is not allowed`, { hint: 'use https://, or pass --allow-http to accept an unauthenticated download' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CuckooError('usage', `${spec}: unsupported URL scheme ${url.protocol}`, { hint: 'releases are fetched over https:// (or http:// with --allow-http)' });
  }
  return url;
}

/** A transient failure worth another attempt. */
class Transient extends CuckooError {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET `spec`, following redirects; resolves when the headers of a 200 arrive. */
export async function httpGet(spec: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const o = { ...httpDefaults, ...options };
  for (let attempt = 0; ; attempt++) {
    try {
      return await follow(spec, o);
    } catch (err) {
      if (!(err instanceof Transient) || attempt >= o.retries) {
        throw err instanceof Transient ? new CuckooError('network', err.message, { hint: err.hint ?? '', cause: err }) : err;
      }
      await sleep(o.backoffMs * 2 ** attempt);
    }
  }
}

async function follow(spec: string, o: Required<HttpOptions>): Promise<HttpResponse> {
  let url = checkUrl(spec, o.allowHttp);
  for (let hop = 0; ; hop++) {
    const res = await once(url, o);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= o.maxRedirects) {
        throw new CuckooError('network', `${spec}: more than ${o.maxRedirects} redirects`, { hint: 'check the URL; the server may redirect in a loop' });
      }
      const next = new URL(res.headers.location, url).toString();
      // A redirect from https to http would silently drop the transport's authentication.
      url = checkUrl(next, o.allowHttp);
      continue;
    }
    if (status !== 200) {
      res.resume();
      const where = url.toString();
      if (status === 408 || status === 429 || status >= 500) {
        throw new Transient('network', `${where}: the server answered HTTP ${status}`, { hint: 'the server failed; try again later or use a mirror' });
      }
      throw new CuckooError('network', `${where}: HTTP ${status}${status === 404 ? ' (not found)' : ''}`, {
        hint: status === 404 ? 'check the URL: the file is not there' : 'check the URL and whether the server needs authentication',
      });
    }
    const length = res.headers['content-length'];
    const total = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    if (total !== undefined && total > o.maxBytes) {
      res.destroy();
      throw new CuckooError('limit', `${url}: ${total} bytes is more than the limit of ${o.maxBytes}`, { hint: 'raise --max-download if the file is expected to be this big' });
    }
    return { url: url.toString(), total, body: res };
  }
}

async function once(url: URL, o: Required<HttpOptions>): Promise<IncomingMessage> {
  // Loaded at the first request: a run on local files never needs them (and https alone takes 10 ms to load).
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { 'user-agent': 'cuckoo', 'accept-encoding': 'identity' } });
    const connect = setTimeout(() => req.destroy(new Transient('network', `${url.host}: no connection within ${o.connectTimeoutMs / 1000}s`, { hint: 'check the host name and the network' })), o.connectTimeoutMs);
    let responded = false;
    req.setTimeout(o.idleTimeoutMs, () => !responded && req.destroy(new Transient('network', `${url}: no answer for ${o.idleTimeoutMs / 1000}s`, { hint: 'the server is slow or stalled; try again later' })));
    req.on('response', (res) => {
      clearTimeout(connect);
      // From here the body's own idle timer (download.ts) says what stalled.
      responded = true;
      resolve(res);
    });
    req.on('error', (err) => {
      clearTimeout(connect);
      reject(err instanceof CuckooError ? err : describeError(url, err));
    });
    req.end();
  });
}

/** One clear line for the socket and TLS errors users meet. */
function describeError(url: URL, err: Error): CuckooError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new (code === 'EAI_AGAIN' ? Transient : CuckooError)('network', `${url.host}: host name not found (DNS)`, { hint: 'check the host name and your DNS settings', cause: err });
  }
  if (code === 'ECONNREFUSED') return new Transient('network', `${url.host}: connection refused`, { hint: 'check the host and port; the server may be down', cause: err });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new Transient('network', `${url.host}: ${err.message}`, { hint: 'check the network; the host is unreachable or dropped the connection', cause: err });
  }
  const detail = err.message.split('\n')[0]!.trim();
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return new CuckooError('network', `${url.host}: TLS failure: the certificate is not trusted (${code})`, { hint: 'check the URL; for a private CA set NODE_EXTRA_CA_CERTS', cause: err });
  }
  if (/SSL|TLS|EPROTO/i.test(code + detail)) {
    const reason = /wrong version number/.test(detail) ? 'the server did not answer with TLS' : detail.replace(/^.*SSL routines:[^:]*:/, '').replace(/:.*$/, '');
    return new CuckooError('network', `${url.host}: TLS failure: ${reason}`, { hint: 'check the URL: is the port right, and does the server speak https?', cause: err });
  }
  return new CuckooError('network', `${url}: ${detail}`, { hint: 'check the URL and the network', cause: err });
}
