/**
 * Redis not running when VS Code opens (issue 7, case 8), in the real editor: the Takoss
 * views say which Redis is unavailable and how to start it, without hanging; when that Redis
 * comes up, the backend recovers by itself and the template library appears.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { todoAppScript } from '../fixtures/todoApp';
import { startPrivateRedis, type PrivateRedis } from '../helpers/privateRedis';
import { useSession } from './harness/session';
import { E2E_API_KEY } from './harness/takossEnvironment';

describe('Redis down when VS Code opens', () => {
  const redisDir = mkdtempSync(path.join(os.tmpdir(), 'takoss-e2e-redis-'));
  const redisUrl = `unix://${path.join(redisDir, 'redis.sock')}`;
  let redis: PrivateRedis | undefined;
  const session = useSession({
    name: 'redis-down',
    script: todoAppScript(),
    env: { ANTHROPIC_API_KEY: E2E_API_KEY, REDIS_URL: redisUrl },
  });
  after(async () => {
    await redis?.stop();
    rmSync(redisDir, { recursive: true, force: true });
  });

  it('says which Redis is unavailable and how to start it, then recovers when it comes up', async () => {
    const { workbench } = session();
    await workbench.openTakossSidebar();
    const problem = workbench.treeRow(
      'Templates',
      /Redis unavailable at unix:\/\/.*redis\.sock — start it with docker compose up -d/,
    );
    await problem.waitFor({ timeout: 60_000 });
    await workbench.screenshot('redis-unavailable');

    redis = await startPrivateRedis({ dir: redisDir });
    await workbench.treeRow('Templates', /^frontend/).waitFor({ timeout: 60_000 });
    await workbench.screenshot('recovered');
  });
});
