import { createRequire } from 'node:module';
import { Duplex, Transform, type TransformCallback } from 'node:stream';
import type { ReadableStreamDefaultController } from 'node:stream/web';
import type XzDecompress from 'xz-decompress';
import { corruptData } from './corrupt.js';

// Pure-JS decoders for machines without the system tools (and for tests).
// Each is a duplex whose failures are CuckooErrors naming the archive.
// zstd's is in zstd-frames.ts.

const requireCjs = createRequire(import.meta.url);
// Loaded when a decoder is made, not at start-up: most machines have the system tools.
const xzDecompress = () => requireCjs('xz-decompress') as typeof XzDecompress;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

interface ClassicStream {
  write(data: Buffer): boolean;
  end(): void;
  on(event: 'data', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
}

/**
 * bzip2 via unbzip2-stream, an old-style `through` stream that decodes
 * synchronously inside write(); this wraps it in a modern Transform so
 * backpressure and errors follow the usual rules.
 */
export class Bzip2JsStream extends Transform {
  private readonly decoder: ClassicStream;
  private failure: Error | undefined;
  private ended = false;

  constructor(private readonly source: string) {
    super();
    this.decoder = (requireCjs('unbzip2-stream') as () => ClassicStream)();
    this.decoder.on('data', (data) => this.push(data));
    this.decoder.on('error', (err) => (this.failure ??= err));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.decoder.write(chunk);
    callback(this.takeFailure());
  }

  override _flush(callback: TransformCallback): void {
    this.ended = true;
    this.decoder.end();
    callback(this.takeFailure());
  }

  private takeFailure(): Error | undefined {
    if (this.failure === undefined) return undefined;
    // The decoder reads past the end of its buffers when the input is cut short.
    const detail = this.ended && !/premature/.test(this.failure.message) ? 'unexpected end of input' : this.failure.message;
    return corruptData(this.source, 'bzip2', detail, this.failure);
  }
}

/**
 * xz via xz-decompress (xz-embedded compiled to WASM, behind a web stream).
 * Input chunks go into a web ReadableStream one at a time, as the decoder
 * asks for them; output is pulled by a loop that respects our consumer.
 *
 * It reads concatenated streams and stream padding, as `xz -dc` does, and
 * refuses other data after the last stream (test/release/compressed.test.ts).
 * It serialises all instances behind one lock, which is released only when a
 * stream ends, fails or is cancelled; so on destroy we fail its input and keep
 * draining its output until it lets go.
 */
export class XzJsStream extends Duplex {
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private decoderWantsInput = false;
  private pendingWrite: (() => void) | undefined;
  private outputWanted: (() => void) | undefined;
  private inputClosed = false;
  private decoderDone = false;

  constructor(private readonly source: string) {
    super();
  }

  private begin(): ReadableStreamDefaultController<Uint8Array> {
    if (this.controller !== undefined) return this.controller;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    // Node's global web stream (node:stream/web's, loaded when first used): importing it costs every run 5 ms.
    const input = new globalThis.ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
        },
        pull: () => {
          const pending = this.pendingWrite;
          this.pendingWrite = undefined;
          if (pending) pending();
          else this.decoderWantsInput = true;
        },
      },
      { highWaterMark: 0 },
    );
    this.controller = controller;
    const output = new (xzDecompress().XzReadableStream)(input as unknown as globalThis.ReadableStream<Uint8Array>);
    void this.pump(output.getReader());
    return controller;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (this.destroyed || value.length === 0) continue;
        if (!this.push(asBuffer(value))) await new Promise<void>((resolve) => (this.outputWanted = resolve));
      }
      this.decoderDone = true;
      this.releaseWrite();
      if (!this.destroyed) this.push(null);
    } catch (err) {
      this.decoderDone = true;
      this.releaseWrite();
      if (this.destroyed) return;
      // Reading past the end of a short input fails inside the decoder with a TypeError.
      const detail = this.inputClosed ? 'unexpected end of input' : message(err);
      this.destroy(corruptData(this.source, 'xz', detail, err));
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.decoderDone) {
      callback();
      return;
    }
    const controller = this.begin();
    controller.enqueue(chunk);
    if (this.decoderWantsInput) {
      this.decoderWantsInput = false;
      callback();
    } else {
      this.pendingWrite = () => callback();
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inputClosed = true;
    if (!this.decoderDone) this.begin().close();
    callback();
  }

  override _read(): void {
    const wanted = this.outputWanted;
    this.outputWanted = undefined;
    wanted?.();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.controller !== undefined && !this.inputClosed && !this.decoderDone) {
      this.inputClosed = true;
      this.controller.error(new Error('stopped'));
    }
    this.releaseWrite();
    this._read();
    callback(error);
  }

  private releaseWrite(): void {
    const pending = this.pendingWrite;
    this.pendingWrite = undefined;
    pending?.();
  }
}
