import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** Where a tool writes its output: `writer` is given to it as its stdout, `reader` is read here. */
export interface Channel {
  writer: Socket;
  reader: Socket;
}

export interface LoopbackOptions {
  /** How long the connection may take before the tool's own pipe is used instead. */
  timeoutMs?: number;
  /** Called with the listening port before this process connects (tests connect first from elsewhere). */
  onListening?: (port: number) => Promise<void> | void;
}

/** Set once loopback TCP failed in this process: the next tools use their pipes at once. */
let unavailable = false;

/**
 * A channel for a decompressor's output with room for megabytes in flight.
 *
 * A child's stdout pipe (a socketpair) holds some 200 KiB, about a
 * millisecond and a half of xz's output: whenever the reader is busy for
 * longer (hashing a large file, a collection), xz stops and waits, and the
 * read takes the sum of the two instead of the longer. An unprivileged
 * process cannot make that buffer larger, but the kernel sizes a loopback
 * TCP connection's buffers to its traffic, up to megabytes. Reading
 * coreutils 9.1's xz output (one block) with 3 ms of other work per MiB took
 * 0.61 s through the pipe and 0.42 s through this.
 *
 * Only the connection this process made is taken: the port it connected
 * from is checked against the one accepted, and any other (another local
 * process that connects to the port first) is closed. The listener is
 * closed as soon as the connection is in. Undefined where loopback TCP does
 * not work (a sandbox without a network, a firewall): the tool's stdout pipe
 * is used then.
 */
export async function loopbackChannel(options: LoopbackOptions = {}): Promise<Channel | undefined> {
  if (unavailable) return undefined;
  const server = createServer();
  let client: Socket | undefined;
  const accepted: Socket[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the loopback connection timed out')), options.timeoutMs ?? 2000);
    });
    let take: (() => void) | undefined;
    server.on('connection', (socket: Socket) => {
      accepted.push(socket);
      take?.();
    });
    await Promise.race([
      timedOut,
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: 0, host: '127.0.0.1' }, resolve);
      }),
    ]);
    const { port } = server.address() as AddressInfo;
    await options.onListening?.(port);
    const socket = connect({ port, host: '127.0.0.1' });
    client = socket;
    await Promise.race([
      timedOut,
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
    ]);
    const mine = (peer: Socket) => peer.remoteAddress === socket.localAddress && peer.remotePort === socket.localPort;
    const reader = await Promise.race([
      timedOut,
      new Promise<Socket>((resolve) => {
        take = () => {
          for (const peer of accepted.splice(0)) {
            if (mine(peer)) resolve(peer);
            else peer.destroy();
          }
        };
        take();
      }),
    ]);
    return { writer: socket, reader };
  } catch {
    unavailable = true;
    client?.destroy();
    for (const peer of accepted) peer.destroy();
    return undefined;
  } finally {
    clearTimeout(timer);
    server.close();
  }
}
