/**
 * Reading object contents through ONE `git cat-file --batch` process. Requests
 * are written as they come and answers arrive in the same order
 * (git-cat-file(1) BATCH OUTPUT), so many reads cost one process. Without
 * --filters no textconv or smudge filter ever runs: the bytes are the blob's.
 */
import { createHash, type Hash } from 'node:crypto';
import { CuckooError } from '../errors.js';
import { hexDigest } from '../release/hash.js';
import { spawnGit, toBuffer } from './run.js';
import type { RepoHandle } from './types.js';

interface Pending {
  oid: string;
  /** Only the digest is wanted: the bytes are hashed as they arrive, never held. */
  digest?: 'sha256' | 'sha1';
  resolve: (content: Buffer | string) => void;
  reject: (err: Error) => void;
}

interface Current {
  pending: Pending;
  /** The bytes, or the hash being fed instead. */
  content: Buffer | Hash;
  size: number;
  filled: number;
}

type Child = ReturnType<typeof spawnGit>;

/**
 * First in, first out, each end in constant time. The sha256 confirmation asks
 * for every blob of a tag at once: with Array#shift, which moves every read
 * still waiting, a 44,000-file tag spent 0.4 s of a run moving them.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    // Taken items are dropped once they are half of the array: each item is moved at most once more.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The items still waiting, and none left. */
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
}

export class BlobReader {
  private readonly repo: RepoHandle;
  /** The process; started by the first read, and again after one died answering a read. */
  private child: Child | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** Asked of the running process and not answered yet, in order. */
  private readonly queue = new Fifo<Pending>();
  private current: Current | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;
  /** Requests of this tick not written yet: one string, written once. */
  private asking: { child: Child; lines: string } | undefined;
  private closed = false;

  constructor(repo: RepoHandle) {
    this.repo = repo;
  }

  /**
   * Starts the process before the first read, idle until then. Forking costs
   * in proportion to the memory this process has mapped (its page tables are
   * copied, and each of its pages written afterwards faults once), so a
   * process started while a run is young costs less than one started late.
   */
  start(): void {
    if (!this.child && !this.closed && !this.failure) this.spawn();
  }

  /** The object's bytes. Reads are answered in the order they were asked. */
  read(oid: string): Promise<Buffer> {
    return this.request(oid) as Promise<Buffer>;
  }

  /**
   * The hex digest of the object's bytes, hashed as git writes them: no
   * buffer of the object's size, so thousands can be asked at once.
   */
  digest(oid: string, algorithm: 'sha256' | 'sha1' = 'sha256'): Promise<string> {
    return this.request(oid, algorithm) as Promise<string>;
  }

  private request(oid: string, digest?: 'sha256' | 'sha1'): Promise<Buffer | string> {
    const hexLength = this.repo.objectFormat === 'sha256' ? 64 : 40;
    if (oid.length !== hexLength || !/^[0-9a-f]+$/.test(oid)) {
      return Promise.reject(new CuckooError('input', `${JSON.stringify(oid)} is not a full ${this.repo.objectFormat} object id`));
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new CuckooError('git', `reading ${oid}: the blob reader is closed`));
    return new Promise<Buffer | string>((resolve, reject) => {
      this.queue.push({ oid, resolve, reject, ...(digest ? { digest } : {}) });
      if (this.child) {
        this.ask(this.child, oid);
        this.hold(true);
      } else this.spawn();
    });
  }

  /**
   * Writes one request. Requests made in one tick go out in one write of one
   * string: the sha256 confirmation asks for thousands of blobs at once, and a
   * system call each, or a write of thousands of small strings, costs more
   * than git's answers.
   */
  private ask(child: Child, oid: string): void {
    let batch = this.asking;
    if (batch?.child !== child) {
      batch = this.asking = { child, lines: '' };
      process.nextTick(() => this.flush(batch!));
    }
    batch.lines += `${oid}\n`;
  }

  /** Writes a batch of requests once, to its process if that still runs (a replacement was asked anew). */
  private flush(batch: { child: Child; lines: string }): void {
    if (this.asking !== batch) return;
    this.asking = undefined;
    if (this.child === batch.child) batch.child.stdin!.write(batch.lines);
  }

  /** Answers reads already asked, then ends the process; it is killed if it lingers. */
  async close(): Promise<void> {
    // Waiting for the exit is work: keep Node running until it comes.
    this.hold(true);
    if (!this.closed) {
      this.closed = true;
      if (this.asking) this.flush(this.asking);
      this.child?.stdin!.end();
    }
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    timer.unref();
    // A restart (see onExit) replaces the process; wait for the last one.
    for (let waited: Promise<void> | undefined; waited !== this.exited; ) {
      waited = this.exited;
      await waited;
    }
    clearTimeout(timer);
  }

  /** Stops at once: reads still waiting are rejected. */
  async destroy(): Promise<void> {
    this.closed = true;
    this.fail(new CuckooError('git', 'the blob reader was stopped'));
    this.hold(true);
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  private spawn(): void {
    const child = spawnGit(this.repo, ['cat-file', '--batch']);
    this.child = child;
    this.buffered = Buffer.alloc(0);
    // A dead process makes stdin emit EPIPE; the exit handler reports it.
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (this.child === child) this.onData(chunk);
    });
    this.exited = child.then(
      (result) => this.onExit(child, toBuffer(result.stderr).toString('utf8'), result.exitCode),
      (err: unknown) => this.onExit(child, String(err), undefined),
    );
    for (const p of this.queue) this.ask(child, p.oid);
    this.hold(this.queue.length > 0);
    if (this.closed) {
      if (this.asking) this.flush(this.asking);
      child.stdin!.end();
    }
  }

  /**
   * An idle reader must not keep Node running: a caller that forgets close()
   * would otherwise hang its program on exit. Busy, it must, or a program whose
   * only work is a pending read would end early. When Node exits, execa's
   * cleanup kills the process.
   */
  private hold(busy: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref?: () => void; unref?: () => void } | null>) {
      if (busy) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    try {
      while (this.step());
      // Idle, the reader lets Node end; closing, it waits for the exit, which keeps Node running (see close).
      if (!this.current && this.queue.length === 0 && !this.closed) this.hold(false);
    } catch (err) {
      this.fail(err as Error);
      this.child?.kill('SIGKILL');
    }
  }

  /** Consumes one header or one body from the buffer; false when more bytes are needed. */
  private step(): boolean {
    const buf = this.buffered;
    if (this.current) {
      const cur = this.current;
      const take = Math.min(cur.size - cur.filled, buf.length);
      if (Buffer.isBuffer(cur.content)) buf.copy(cur.content, cur.filled, 0, take);
      else if (take > 0) cur.content.update(buf.subarray(0, take));
      cur.filled += take;
      // The body is followed by one LF.
      if (cur.filled < cur.size || buf.length < take + 1) {
        this.buffered = buf.subarray(take);
        return false;
      }
      this.buffered = buf.subarray(take + 1);
      this.current = undefined;
      cur.pending.resolve(Buffer.isBuffer(cur.content) ? cur.content : cur.content.digest('hex'));
      return true;
    }
    const nl = buf.indexOf(10);
    if (nl < 0) return false;
    const header = buf.subarray(0, nl).toString('utf8');
    this.buffered = buf.subarray(nl + 1);
    const pending = this.queue.shift();
    if (!pending) throw new CuckooError('git', `unexpected git cat-file output: ${header}`);
    const parts = header.split(' ');
    if (parts.length === 2 && (parts[1] === 'missing' || parts[1] === 'ambiguous')) {
      pending.reject(missing(pending.oid, this.repo));
      return true;
    }
    const size = Number(parts[2]);
    if (parts.length !== 3 || parts[0] !== pending.oid || !Number.isSafeInteger(size) || size < 0) {
      throw new CuckooError('git', `unexpected git cat-file output for ${pending.oid}: ${header}`);
    }
    // A digest of a body already here whole (with its LF) is taken in one call, with no Hash object:
    // the sha256 confirmation asks for every blob of the tag, most of them small.
    if (pending.digest && this.buffered.length > size) {
      pending.resolve(hexDigest(pending.digest, this.buffered.subarray(0, size)));
      this.buffered = this.buffered.subarray(size + 1);
      return true;
    }
    this.current = { pending, content: pending.digest ? createHash(pending.digest) : Buffer.allocUnsafe(size), size, filled: 0 };
    return true;
  }

  /**
   * git dies, rather than answering "missing", on an object a partial clone
   * lacks once lazy fetching is off ("could not fetch <oid> from promisor
   * remote"). The read it was answering fails; the reads behind it go to a
   * new process. Every restart answers one read, so this ends.
   */
  private onExit(child: Child, stderr: string, exitCode: number | undefined): void {
    if (child !== this.child) return;
    const reason = stderr.trim().split('\n').filter((l) => !l.startsWith('warning:')).pop()?.replace(/^fatal: /, '') || `exit code ${exitCode ?? 'unknown'}`;
    if (!this.current && this.queue.length === 0) {
      // Reads after an exit we did not ask for must fail, not wait forever.
      if (!this.closed) this.failure ??= new CuckooError('git', `git cat-file ended in ${this.repo.source}: ${reason}`);
      this.closed = true;
      return;
    }
    if (this.current || this.failure) {
      this.fail(new CuckooError('git', `git cat-file failed in ${this.repo.source}: ${reason}`));
      return;
    }
    const head = this.queue.shift()!;
    head.reject(
      /promisor|missing|unable to read|not a valid object/i.test(stderr)
        ? missing(head.oid, this.repo, reason)
        : new CuckooError('git', `reading ${head.oid}: git cat-file failed in ${this.repo.source}: ${reason}`),
    );
    this.child = undefined;
    if (this.queue.length > 0) this.spawn();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.closed = true;
    const waiting = [...(this.current ? [this.current.pending] : []), ...this.queue.drain()];
    this.current = undefined;
    for (const p of waiting) p.reject(err);
  }
}

function missing(oid: string, repo: RepoHandle, detail?: string): CuckooError {
  return new CuckooError('input', `object ${oid} is missing from ${repo.source}${detail ? ` (${detail})` : ''}`, {
    hint: 'the repository is incomplete (a shallow or partial clone?); fetch the full history',
  });
}

/** Reads `oids` with one process and closes it, even on failure. */
export async function readBlobs(repo: RepoHandle, oids: readonly string[]): Promise<Buffer[]> {
  const reader = new BlobReader(repo);
  try {
    return await Promise.all(oids.map((oid) => reader.read(oid)));
  } finally {
    await reader.destroy();
  }
}
