import { getPriority, setPriority } from 'node:os';
import { Duplex, type Readable, type Writable } from 'node:stream';
import { execa, type Result, type ResultPromise } from 'execa';
import { CuckooError } from '../errors.js';
import { corruptData, windowTooLarge, type Codec } from './corrupt.js';
import { loopbackChannel, type Channel } from './loopback.js';

/**
 * A system decompressor (`xz -dc`, `zstd -dc`, `bzip2 -dc`) as a duplex:
 * compressed bytes are written to its stdin, its output is read back with
 * backpressure (through a loopback channel where one can be made, so that it
 * decodes ahead while the reader is busy: loopback.ts), and the stream ends
 * only once the tool has exited cleanly, so a corrupt or truncated input
 * surfaces as the tool's own message rather than as a short tar. The tool
 * starts once the channel is ready; destroying the stream kills it, or keeps
 * it from starting.
 */
export class ToolStream extends Duplex {
  private child: ResultPromise | undefined;
  private stdin: Writable | undefined;
  private stdout: Readable | undefined;
  /** Settles once the tool runs, or once it never will (the stream was destroyed first). */
  private readonly started: Promise<void>;
  private pendingWrite: (() => void) | undefined;

  /**
   * `tool` is a command name on PATH: run by name, its messages start with
   * `xz:`, not its path. `options` go before `-dc` (xz's threads: xzThreadArgs in decompress.ts).
   * `niceness`: how much lower than cuckoo's the tool's priority is: decoderNiceness for a tool
   * that decodes faster than the tar reader reads (zstd, xz on threads), else 0.
   * `channel`: where the tool writes its output (loopback.ts); undefined from it, its stdout pipe.
   */
  constructor(
    private readonly tool: string,
    private readonly codec: Codec,
    private readonly source: string,
    options: readonly string[] = [],
    niceness = 0,
    channel: () => Promise<Channel | undefined> = () => loopbackChannel(),
  ) {
    super({ readableHighWaterMark: 256 * 1024 });
    this.started = channel()
      .catch(() => undefined)
      .then((opened) => this.start([...options, '-dc'], niceness, opened))
      .catch((err: unknown) => void this.destroy(err instanceof Error ? err : new Error(String(err))));
  }

  private start(args: string[], niceness: number, channel: Channel | undefined): void {
    if (this.destroyed) {
      channel?.writer.destroy();
      channel?.reader.destroy();
      return;
    }
    let child: ResultPromise;
    try {
      child = execa(this.tool, args, {
        stdin: 'pipe',
        stdout: channel?.writer ?? 'pipe',
        stderr: 'pipe',
        buffer: { stdout: false, stderr: true },
        maxBuffer: { stderr: 64 * 1024 },
        reject: false,
        stripFinalNewline: false,
        // English messages, whatever the user's locale.
        env: { LC_ALL: 'C' },
      });
    } catch (err) {
      channel?.writer.destroy();
      channel?.reader.destroy();
      throw err;
    }
    // Closed once the tool has ended (run or not): the reader then sees the end of its output.
    if (channel) void child.finally(() => channel.writer.destroySoon());
    this.child = child;
    if (niceness > 0) yieldToReader(child.pid, niceness);
    const stdin = child.stdin!;
    const stdout = channel?.reader ?? child.stdout!;
    this.stdin = stdin;
    this.stdout = stdout;
    // EPIPE when the tool stops early on bad data: its exit status says why.
    stdin.on('error', () => this.releaseWrite());
    stdin.on('close', () => this.releaseWrite());
    stdin.on('drain', () => this.releaseWrite());
    stdout.on('error', () => {});
    stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) stdout.pause();
    });
    const drained = new Promise<void>((resolve) => {
      stdout.once('end', resolve);
      stdout.once('close', resolve);
    });
    void Promise.all([child, drained]).then(([result]) => this.onExit(result));
    this.releaseWrite();
  }

  override _read(): void {
    this.stdout?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const stdin = this.stdin;
    if (stdin === undefined) {
      // Not running yet: written once it is (or dropped, destroyed first).
      this.pendingWrite = () => (this.stdin ? this._write(chunk, _encoding, callback) : callback());
      return;
    }
    if (stdin.destroyed || stdin.write(chunk)) {
      callback();
    } else {
      this.pendingWrite = () => callback();
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    void this.started.then(() => {
      this.stdin?.end();
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stdin?.destroy();
    this.stdout?.destroy();
    this.releaseWrite();
    const child = this.child;
    // Not started: start() sees the stream destroyed and runs nothing.
    if (child === undefined || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      callback(error);
      return;
    }
    // Done only once the tool has exited and been reaped, so callers that stop
    // early leave no process behind. (execa's promise can settle before that,
    // as soon as it sees its stdout destroyed.)
    child.once('exit', () => callback(error));
    child.kill();
  }

  private releaseWrite(): void {
    const pending = this.pendingWrite;
    this.pendingWrite = undefined;
    pending?.();
  }

  private onExit(result: Result): void {
    this.releaseWrite();
    if (this.destroyed) return;
    if (!result.failed && !trailingGarbage(result)) {
      this.push(null);
      return;
    }
    if (!result.failed) {
      // bzip2 only warns; the other tools and the JS decoders refuse such data.
      this.destroy(corruptData(this.source, this.codec, 'data after the end of the compressed stream'));
      return;
    }
    this.destroy(this.failure(result));
  }

  private failure(result: Result): CuckooError {
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';
    const firstLine = stderr.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
    const hint = `check that ${this.tool} works: ${this.tool} -dc < ${this.source} > /dev/null`;
    if (result.exitCode === undefined && result.signal === undefined) {
      return new CuckooError('tool', `${this.source}: could not run ${this.tool}: ${result.shortMessage ?? 'spawn failed'}`, {
        hint,
        cause: result,
      });
    }
    if (result.signal !== undefined) {
      return new CuckooError('tool', `${this.source}: ${this.tool} was killed by ${result.signal}`, { hint, cause: result });
    }
    // A frame past zstd's window limit is the archive's doing, not the machine's.
    const window = /Window size larger than maximum : (\d+) > (\d+)/.exec(stderr);
    if (this.codec === 'zstd' && window) return windowTooLarge(this.source, 'a frame', Number(window[1]), Number(window[2]));
    // Running out of memory is the machine's problem, not the archive's.
    if (/memory|cannot allocate/i.test(stderr)) {
      return new CuckooError('tool', `${this.source}: ${this.tool} failed: ${firstLine}`, { hint, cause: result });
    }
    return corruptData(this.source, this.codec, firstLine || `${this.tool} exited with code ${result.exitCode}`, result);
  }
}

/** How much lower than cuckoo's own a fast decompressor's scheduling priority is (a nice value). */
export const decoderNiceness = 10;

/**
 * Lets a decompressor that decodes faster than the tar reader reads (xz on
 * threads, zstd: pickDecoder in decompress.ts says which) run on what CPU
 * the reader leaves: one that takes the reader's core (xz's second thread)
 * slows the whole read. One that decodes slower (xz over one block, bzip2)
 * keeps cuckoo's priority: lowered, it lost the CPU to git while the reader
 * waited for it (xz-utils 5.4.1, one block: 0.60 → 0.58 s). Set at once,
 * before the tool has input, so the threads it starts for that input have
 * it too. Best effort: a process that cannot be reniced runs as it is.
 */
function yieldToReader(pid: number | undefined, niceness: number): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, Math.min(19, getPriority() + niceness));
  } catch {
    // Not allowed here, or already gone: its exit status tells.
  }
}

/** `bzip2: (stdin): trailing garbage after EOF ignored`, said on success. */
function trailingGarbage(result: Result): boolean {
  return typeof result.stderr === 'string' && /trailing garbage/i.test(result.stderr);
}
