/**
 * A release download that the analysis can read while it arrives: the body is
 * written to a temporary file in cuckoo's cache, and `stream()` follows that
 * file as it grows (the reader waits at the end of what is written until more
 * comes, the download ends, or it fails). Following a file rather than teeing
 * the socket keeps the download at network speed while the analysis reads at
 * its own pace, without holding either in memory.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { cacheWriteError } from '../cache.js';
import { CuckooError } from '../errors.js';
import { httpGet, type HttpOptions } from './http-get.js';

export interface Progress {
  url: string;
  received: number;
  total: number | undefined;
}

export interface Finished {
  sha256: string;
  size: number;
}

export class Download extends EventEmitter {
  received = 0;
  total: number | undefined;
  finished: Finished | undefined;
  failure: Error | undefined;
  /** Settles when the file is complete (or the download failed). */
  readonly done: Promise<Finished>;
  private stop: ((err: Error) => void) | undefined;
  private aborted: Error | undefined;

  constructor(
    readonly url: string,
    readonly path: string,
    options: HttpOptions & { maxBytes: number; onProgress?: (p: Progress) => void },
  ) {
    super();
    this.setMaxListeners(0);
    this.done = this.run(options);
    // Failures reach readers through stream() and callers through done.
    this.done.catch(() => undefined);
  }

  private async run(options: HttpOptions & { maxBytes: number; onProgress?: (p: Progress) => void }): Promise<Finished> {
    try {
      const res = await httpGet(this.url, options);
      if (this.aborted) {
        res.body.destroy();
        throw this.aborted;
      }
      this.total = res.total;
      const hash = createHash('sha256');
      const out = createWriteStream(this.path, { flags: 'wx' });
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        // The first failure is the one reported: destroying the body makes it report 'aborted' too.
        const fail = (err: Error) => {
          if (failed) return;
          failed = true;
          res.body.destroy();
          out.destroy();
          reject(err);
        };
        res.body.setTimeout(options.idleTimeoutMs ?? 30_000, () =>
          fail(new CuckooError('network', `${this.url}: the server stopped sending after ${this.received} bytes`, { hint: 'the server is slow or stalled; try again later' })),
        );
        res.body.on('data', (chunk: Buffer) => {
          if (this.received + chunk.length > options.maxBytes) {
            fail(new CuckooError('limit', `${this.url}: more than ${options.maxBytes} bytes`, { hint: 'raise --max-download if the file is expected to be this big' }));
            return;
          }
          hash.update(chunk);
          this.received += chunk.length;
          if (!out.write(chunk)) {
            res.body.pause();
            out.once('drain', () => res.body.resume());
          }
        });
        this.stop = fail;
        res.body.on('aborted', () => fail(this.truncated()));
        res.body.on('error', () => fail(this.truncated()));
        res.body.on('end', () => {
          if (this.total !== undefined && this.received !== this.total) fail(this.truncated());
          else out.end();
        });
        out.on('error', (err) => fail(cacheWriteError(dirname(this.path), err)));
        out.on('finish', resolve);
        // Progress counts bytes once they are flushed, so stream() can read them.
        const tick = () => {
          if (out.bytesWritten === this.lastWritten) return;
          this.lastWritten = out.bytesWritten;
          options.onProgress?.({ url: this.url, received: this.lastWritten, total: this.total });
          this.emit('grow');
        };
        out.on('drain', tick);
        const timer = setInterval(tick, 50);
        out.on('close', () => {
          clearInterval(timer);
          tick();
        });
      });
      this.finished = { sha256: hash.digest('hex'), size: this.received };
      this.emit('grow');
      return this.finished;
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      this.emit('grow');
      await rm(this.path, { force: true });
      throw this.failure;
    }
  }

  /** Stops a download nobody will read (the check failed elsewhere); the partial file is removed. */
  abort(): void {
    this.aborted ??= new CuckooError('network', `${this.url}: download stopped`);
    this.stop?.(this.aborted);
  }

  private truncated(): CuckooError {
    const of = this.total !== undefined ? ` of ${this.total}` : '';
    return new CuckooError('network', `${this.url}: download cut off after ${this.received}${of} bytes`, { hint: 'the connection dropped; try again' });
  }

  /** Bytes known to be on disk: readers never go past them. */
  private lastWritten = 0;

  /** Resolves once `bytes` are on disk or the download has ended (either way). */
  async waitFor(bytes: number): Promise<void> {
    while (!this.finished && !this.failure && this.lastWritten < bytes) await this.next();
    if (this.failure) throw this.failure;
  }

  private next(): Promise<void> {
    return new Promise((resolve) => this.once('grow', () => resolve()));
  }

  /** The file from the start, following it as it grows. */
  stream(): Readable {
    let position = 0;
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    const download = this;
    return new Readable({
      highWaterMark: 1024 * 1024,
      async read(size) {
        try {
          for (;;) {
            const available = (download.finished?.size ?? download.lastWritten) - position;
            if (available > 0) {
              handle ??= await open(download.path, 'r');
              const buffer = Buffer.alloc(Math.min(size, available, 1024 * 1024));
              const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
              position += bytesRead;
              this.push(buffer.subarray(0, bytesRead));
              return;
            }
            if (download.failure) throw download.failure;
            if (download.finished) {
              this.push(null);
              return;
            }
            await download.next();
          }
        } catch (err) {
          this.destroy(err as Error);
        }
      },
      destroy(err, callback) {
        void (handle?.close() ?? Promise.resolve()).finally(() => callback(err));
      },
    });
  }
}
