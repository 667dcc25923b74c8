/**
 * The Messages-API fake in a process of its own, as Claude is in reality: its work (SSE
 * encoding, timers) then does not share the event loop of the engine being measured.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FakeAnthropicScript } from '../../test/fixtures/fakeAnthropic';

export interface FakeProcess {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export async function startFakeProcess(script: FakeAnthropicScript): Promise<FakeProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'takoss-fake-'));
  const file = path.join(dir, 'script.json');
  await writeFile(file, JSON.stringify(script));
  const entry = path.join(__dirname, '..', '..', 'test', 'fixtures', 'fakeAnthropic.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry, file], { stdio: ['ignore', 'pipe', 'ignore'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`the fake exited with ${code}`)));
  });
  return {
    baseUrl,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
