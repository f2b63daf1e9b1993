import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loopbackChannel, type Channel } from '../../src/release/loopback.js';
import { ToolStream } from '../../src/release/tool-stream.js';
import { compress } from '../helpers/archives.js';
import { withStandIn } from '../helpers/stand-in.js';

async function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function decode(stream: ToolStream, input: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from([input]), stream, async (s: AsyncIterable<Buffer>) => {
    for await (const chunk of s) out.push(chunk);
  });
  return Buffer.concat(out);
}

test('a channel carries what is written to its writer to its reader, in order, to the end', async () => {
  const channel = await loopbackChannel();
  assert.ok(channel, 'loopback TCP works here');
  const data = randomBytes(4 * 1024 * 1024);
  const read = readAll(channel!.reader);
  channel!.writer.end(data);
  assert.ok((await read).equals(data));
});

test('a connection from elsewhere that comes first is closed, and the channel is the one this process made', async () => {
  let foreign: Socket | undefined;
  let foreignClosed: Promise<Buffer> | undefined;
  const channel = await loopbackChannel({
    onListening: async (port) => {
      const socket = connect({ port, host: '127.0.0.1' });
      foreign = socket;
      await new Promise((resolve) => socket.once('connect', resolve));
      foreignClosed = readAll(socket).catch(() => Buffer.alloc(0));
      // What the foreign peer writes must never reach the reader.
      socket.write('injected');
    },
  });
  assert.ok(channel);
  assert.ok(foreign);
  // Closed by the listener, having read nothing.
  const closed = await Promise.race([foreignClosed!, sleep(2000).then(() => 'still open')]);
  assert.ok(Buffer.isBuffer(closed) && closed.length === 0, 'the foreign connection was closed');
  foreign!.destroy();
  assert.is(channel!.reader.remotePort, channel!.writer.localPort);
  const read = readAll(channel!.reader);
  channel!.writer.end('mine');
  assert.is((await read).toString(), 'mine');
});

test('ToolStream writes its output through the channel it is given, and through the tool pipe without one', async () => {
  const data = Buffer.from('some data '.repeat(100000));
  const packed = await compress(data, 'xz');
  const made: Channel[] = [];
  const spy = async () => {
    const channel = await loopbackChannel();
    if (channel) made.push(channel);
    return channel;
  };
  assert.ok((await decode(new ToolStream('xz', 'xz', 'x.xz', [], 0, spy), packed)).equals(data));
  assert.is(made.length, 1);
  // Both ends are closed once the tool is done and its output read (a few turns of the event loop later).
  const closed = () => made[0]!.writer.destroyed && made[0]!.reader.destroyed;
  for (let waited = 0; !closed() && waited < 2000; waited += 10) await sleep(10);
  assert.ok(closed(), 'both ends of the channel are closed');
  assert.ok((await decode(new ToolStream('xz', 'xz', 'x.xz', [], 0, async () => undefined), packed)).equals(data));
  assert.ok((await decode(new ToolStream('xz', 'xz', 'x.xz', [], 0, () => Promise.reject(new Error('no network'))), packed)).equals(data));
});

test('a ToolStream destroyed before its channel is ready runs no tool and closes the channel', async () => {
  let channel: Channel | undefined;
  const ran = await withStandIn('xz', (dir) => `touch '${dir}/ran'\nexit 1`, async (dir) => {
    const stream = new ToolStream('xz', 'xz', 'x.xz', [], 0, async () => {
      await sleep(100);
      channel = await loopbackChannel();
      return channel;
    });
    stream.destroy();
    // The channel comes after the destroy; wait for it, and for its ends to close.
    const closed = () => channel !== undefined && channel.writer.destroyed && channel.reader.destroyed;
    for (let waited = 0; !closed() && waited < 2000; waited += 10) await sleep(10);
    // Time for a tool that was wrongly started to run.
    await sleep(200);
    return existsSync(join(dir, 'ran'));
  });
  assert.ok(channel);
  assert.ok(channel!.writer.destroyed && channel!.reader.destroyed);
  assert.not.ok(ran, 'the tool did not run');
});

// Last in this file: once loopback TCP failed, the process stops trying it.
test('a connection that does not come in time: no channel, and no further tries in this process', async () => {
  const slow = await loopbackChannel({ timeoutMs: 100, onListening: () => sleep(400) });
  assert.is(slow, undefined);
  let listened = false;
  assert.is(await loopbackChannel({ onListening: () => void (listened = true) }), undefined);
  assert.not.ok(listened, 'nothing listened after the failure');
  // Tools still run, through their pipes.
  const data = Buffer.from('after the failure '.repeat(1000));
  assert.ok((await decode(new ToolStream('xz', 'xz', 'x.xz'), await compress(data, 'xz'))).equals(data));
});

test.run();
