/**
 * `npm run bench:memory`: the backend's resident memory, idle and after 1,000-task chains,
 * in a process of its own running the bundled engine (worker and driver, as the VS Code
 * backend runs them), against a database it has started with before (the first start ever
 * also migrates and seeds), measured after full garbage collections. "No growth" compares
 * the last chain with the first: a leak grows with every chain.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { DEFAULT_CONFIG } from '../server/src/config';
import { Engine } from '../server/src/engine/engine';
import { silentLogger } from '../server/src/logger';
import { freshDatabase } from '../test/helpers/database';
import { bundleEngineProcess } from './lib/bundleProbe';
import { report, type Figure } from './lib/report';

const TASKS = 1000;
const ROUNDS = Number(process.env.TAKOSS_BENCH_ROUNDS ?? 4);
const IDLE_GOAL_MB = 150;
/** Growth from the first chain to the last that still counts as none (allocator noise). */
const GROWTH_TOLERANCE = 0.05;

interface MemoryReading {
  readonly idleMb: number;
  readonly afterChainMb: number[];
}

async function measure(script: string, databaseUrl: string): Promise<MemoryReading> {
  const child = spawn(process.execPath, ['--expose-gc', script, 'memory', String(TASKS), String(ROUNDS)], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: DEFAULT_CONFIG.redisUrl,
      // A queue of its own, never the default one a backend on this Redis would be working on.
      TAKOSS_QUEUE_NAME: `bench-memory-${randomBytes(4).toString('hex')}`,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the memory probe exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as MemoryReading;
}

async function main(): Promise<void> {
  const script = await bundleEngineProcess();
  const database = freshDatabase('takoss_bench_memory');
  let reading: MemoryReading;
  try {
    // The backend's first start ever migrates and seeds the database; measure a usual start.
    const preparing = await Engine.open({
      config: { ...DEFAULT_CONFIG, databaseUrl: database.url },
      env: {},
      logger: silentLogger,
    });
    await preparing.close();
    reading = await measure(script, database.url);
  } finally {
    await database.drop();
  }
  const first = reading.afterChainMb[0]!;
  const last = reading.afterChainMb[reading.afterChainMb.length - 1]!;
  const growth = (last - first) / first;
  const figures: Figure[] = [
    {
      figure: 'backend RSS, idle (engine, worker and driver ready; after GC)',
      baseline: '—',
      takoss: `${reading.idleMb.toFixed(0)} MB`,
      ratio: reading.idleMb,
      goal: `≤ ${IDLE_GOAL_MB} MB`,
      met: reading.idleMb <= IDLE_GOAL_MB,
      detail: { idleMb: reading.idleMb },
    },
    {
      figure: `backend RSS after ${ROUNDS} chains of ${TASKS} tasks (after GC)`,
      baseline: `after the first chain: ${first.toFixed(0)} MB`,
      takoss: `after the last: ${last.toFixed(0)} MB (${reading.afterChainMb.map((mb) => mb.toFixed(0)).join(' → ')})`,
      ratio: last / first,
      goal: `no growth (≤ ${(1 + GROWTH_TOLERANCE).toFixed(2)})`,
      met: growth <= GROWTH_TOLERANCE,
      detail: { firstMb: first, lastMb: last },
    },
  ];
  report('memory', figures, { cpus: os.cpus().length, node: process.version });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
