/**
 * `takoss chains list | show <id> | context <id> | cancel <id>` — reading and steering
 * chains from PostgreSQL (history) and Redis (live state and context). `resume` lives with
 * `build`, since it drives a chain the same way.
 */
import { resolveConfig } from '../config';
import { CHAIN_ID_PATTERN } from '../context/keys';
import { Engine } from '../engine/engine';
import { EXIT_CODE, TakossError } from '../errors';
import { ChainNotFoundError, cancelChain } from '../orchestrator/orchestrator';
import type { ChainFinalStatus } from '../orchestrator/chainState';
import type { CommandContext } from './build';

export function checkChainId(chainId: string): string {
  if (!CHAIN_ID_PATTERN.test(chainId)) {
    throw new TakossError('usage', `"${chainId}" is not a chain id; see \`takoss chains list\`.`);
  }
  return chainId;
}

async function withEngine<T>(context: CommandContext, run: (engine: Engine) => Promise<T>): Promise<T> {
  const { config } = resolveConfig({ env: context.env });
  const engine = await Engine.open({ config, env: context.env, logger: context.logger });
  try {
    return await run(engine);
  } finally {
    await engine.close();
  }
}

const money = (usd: number) => `$${usd.toFixed(4)}`;
const write = (context: CommandContext, text: string) => context.stdout.write(`${text}\n`);

export function runChainsList(flags: { json?: boolean }, context: CommandContext): Promise<number> {
  return withEngine(context, async (engine) => {
    const chains = await engine.repository.list(50);
    if (flags.json) {
      write(context, JSON.stringify({ chains }));
    } else if (chains.length === 0) {
      write(context, 'No chains yet. Start one with: takoss build "<request>" --workspace <dir>');
    } else {
      for (const chain of chains) {
        write(
          context,
          `${chain.chainId}  ${chain.status.padEnd(15)} ${(chain.verification?.outcome ?? '').padEnd(13)} ${money(chain.usage.costUsd).padStart(9)}  ${chain.createdAt.toISOString()}  ${chain.request.slice(0, 70)}`,
        );
      }
    }
    return EXIT_CODE.ok;
  });
}

export function runChainsShow(chainId: string, flags: { json?: boolean }, context: CommandContext): Promise<number> {
  return withEngine(context, async (engine) => {
    const record = await engine.repository.find(checkChainId(chainId));
    if (!record) throw new ChainNotFoundError(chainId);
    // Redis knows the live state of a running chain better than the durable record.
    const live = await engine.state.states(chainId);
    const tasks = record.tasks.map((task) => ({ ...task, status: live[task.taskId] ?? task.status }));
    if (flags.json) {
      write(context, JSON.stringify({ ...record, tasks }));
      return EXIT_CODE.ok;
    }
    write(context, `Chain ${record.chainId}: ${record.status}, ${money(record.usage.costUsd)}, model ${record.model}`);
    write(context, `Request: ${record.request}`);
    write(context, `Workspace: ${record.workspace}`);
    if (record.verification) {
      write(context, `Verification: ${record.verification.outcome} — ${record.verification.summary ?? ''}`);
    }
    for (const task of tasks) {
      const after = task.dependsOn.length > 0 ? ` after ${task.dependsOn.join(', ')}` : '';
      write(
        context,
        `  ${task.status.padEnd(10)} ${task.taskId}: ${task.title}${after} — ${task.attempts} attempt(s), ${money(task.usage.costUsd)}`,
      );
      for (const file of task.files) write(context, `      ${file}`);
      if (task.verdict) write(context, `      = ${task.verdict.summary}`);
      if (task.error) write(context, `      ! ${task.error}`);
    }
    return EXIT_CODE.ok;
  });
}

export function runChainsContext(chainId: string, context: CommandContext): Promise<number> {
  return withEngine(context, async (engine) => {
    const record = await engine.repository.find(checkChainId(chainId));
    if (!record) throw new ChainNotFoundError(chainId);
    const stats = await engine.accumulator.getChainStats(chainId);
    write(
      context,
      `Chain ${chainId} context in Redis: ${stats.results} results (${stats.resultBytes} bytes), ${stats.historyLength} history events, ` +
        (stats.ttlSeconds > 0 ? `expires in ${stats.ttlSeconds} s` : 'not in Redis (expired or cleaned up)'),
    );
    for (const task of record.tasks) {
      const received = await engine.accumulator.getContext(chainId, task.taskId);
      write(context, `\n${task.taskId}: ${task.title} [${task.status}]`);
      if (received) {
        const sources = received.tasks.map((each) => `${each.taskId} (${each.relation})`).join(', ') || 'nothing';
        write(context, `  received: ${sources}, about ${received.approxTokens} tokens`);
      }
      if (task.summary) write(context, `  result: ${task.summary}`);
    }
    const history = await engine.accumulator.getHistory(chainId);
    if (history.length > 0) {
      write(context, '\nHistory:');
      for (const event of history)
        write(context, `  ${event.at} ${event.type}${event.taskId ? ` ${event.taskId}` : ''}`);
    }
    return EXIT_CODE.ok;
  });
}

/** How long `cancel` waits for running tasks to stop before cancelling them regardless. */
const CANCEL_GRACE_MS = 15_000;

export function runChainsCancel(chainId: string, context: CommandContext): Promise<number> {
  return withEngine(context, async (engine) => {
    let status: ChainFinalStatus | 'cancelling' = await cancelChain(engine, checkChainId(chainId));
    const deadline = Date.now() + CANCEL_GRACE_MS;
    while (status === 'cancelling' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const meta = await engine.state.meta(chainId);
      status = meta?.status === 'cancelling' ? 'cancelling' : ((meta?.status as ChainFinalStatus) ?? 'cancelled');
    }
    if (status === 'cancelling') {
      // No worker answered (they were stopped or died): cancel the runs they left behind.
      for (const [taskId, state] of Object.entries(await engine.state.states(chainId))) {
        if (state === 'running') status = (await engine.state.cancelRunning(chainId, taskId)) ?? status;
      }
    }
    await engine.repository.updateChain(chainId, {
      ...(status !== 'cancelling' ? { status } : {}),
      finishedAt: new Date(),
    });
    write(context, `Chain ${chainId}: ${status}`);
    return EXIT_CODE.ok;
  });
}
