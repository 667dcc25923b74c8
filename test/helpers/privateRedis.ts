/**
 * A private redis-server on a unix socket in a temp dir, for tests that need a Redis set up
 * differently or that stop it. The shared Redis on 6379 is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PrivateRedis {
  readonly socketPath: string;
  /** `unix://` URL for Takoss's configuration. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** Extra `--name value` arguments, e.g. `['--maxmemory-policy', 'allkeys-lru']`. */
  readonly args?: readonly string[];
  /** Reuse a directory (and so a socket path), e.g. to restart "the same" Redis. */
  readonly dir?: string;
}

async function waitForSocket(socketPath: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = createConnection(socketPath, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (connected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not open ${socketPath}`);
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'takoss-redis-')));
  const socketPath = path.join(dir, 'redis.sock');
  const child = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--unixsocket',
      socketPath,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(options.args ?? []),
    ],
    { stdio: 'ignore' },
  );
  await waitForSocket(socketPath, child);
  return {
    socketPath,
    url: `unix://${socketPath}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
