/**
 * The makespan of the seeded 30-task reference DAG at concurrency 4 against its lower bound —
 * the longer of its critical path and a FIFO schedule on four slots with no overhead at all,
 * each task as long as its call takes alone — and the same DAG one task at a time.
 */
import { criticalPath, edgeCount, fifoSchedule, percentile, referenceDag, type BenchTask } from './dag';
import { measureCallOverhead, runWithoutQueue } from './baselines';
import { benchGraph } from './benchGraph';
import { delays, openEngine, runChain, usingEngine, warmUp, WARM_UP, type Context } from './engineBench';
import { startFakeProcess } from './fakeProcess';
import type { Figure } from './report';

/** Runs of the reference DAG at concurrency 4, Takoss and the no-queue scheduler alternately; the median is reported. */
const MAKESPAN_RUNS = 3;

export async function makespanFigures(context: Context): Promise<Figure[]> {
  const dag = referenceDag();
  const fake = await startFakeProcess({
    tasks: { ...delays(dag).tasks, ...delays(WARM_UP).tasks },
  });
  const delayOf = new Map(dag.map((task) => [task.id, task.delayMs]));
  const { callMs, bound, takoss, noQueue, oneAtATime } = await (async () => {
    const parallel = await usingEngine(openEngine(context, 4, fake.baseUrl), async (engine) => {
      await warmUp(engine, context);
      // Each task's duration in the bound: its delay and what a call with a delay takes beyond it.
      const overheadMs = await measureCallOverhead(engine, benchGraph(dag), (id) => delayOf.get(id) ?? 0);
      const duration = (task: BenchTask) => task.delayMs + overheadMs;
      // Alternating, like the hop rounds: one run moves by ~15 ms with the fake's timers.
      const takossRuns: number[] = [];
      const noQueueRuns: number[] = [];
      for (let run = 0; run < MAKESPAN_RUNS; run++) {
        takossRuns.push((await runChain(engine, context, dag)).ms);
        noQueueRuns.push(await runWithoutQueue(engine, benchGraph(dag), 4));
      }
      return {
        callMs: overheadMs,
        bound: Math.max(criticalPath(dag, duration), fifoSchedule(dag, 4, duration)),
        takoss: { ms: percentile(takossRuns, 50), runs: takossRuns },
        noQueue: percentile(noQueueRuns, 50),
      };
    });
    const serial = await usingEngine(openEngine(context, 1, fake.baseUrl), (engine) => runChain(engine, context, dag));
    return { ...parallel, oneAtATime: serial };
  })().finally(() => fake.stop());
  return [
    {
      figure: `makespan, ${dag.length}-task DAG (${edgeCount(dag)} edges), concurrency 4`,
      baseline:
        `bound ${bound.toFixed(0)} ms (max of critical path, FIFO 4-slot schedule; calls ${callMs.toFixed(1)} ms` +
        ` beyond their delay); in-process scheduler, no queue: ${(noQueue / bound).toFixed(3)}`,
      takoss: `${takoss.ms.toFixed(0)} ms (median of ${MAKESPAN_RUNS} runs: ${takoss.runs.map((ms) => ms.toFixed(0)).join(', ')})`,
      ratio: takoss.ms / bound,
      goal: '≤ 1.02',
      met: takoss.ms / bound <= 1.02,
      detail: {
        boundMs: bound,
        takossMs: takoss.ms,
        takossRunsMs: takoss.runs.join(' / '),
        inProcessNoQueueMs: noQueue,
        callOverheadMs: callMs,
      },
    },
    {
      figure: 'same DAG, one task at a time',
      baseline: `Takoss at concurrency 4: ${takoss.ms.toFixed(0)} ms`,
      takoss: `${oneAtATime.ms.toFixed(0)} ms`,
      ratio: oneAtATime.ms / takoss.ms,
      goal: 'context: parallel speed-up',
      met: true,
      detail: { sequentialMs: oneAtATime.ms },
    },
  ];
}
