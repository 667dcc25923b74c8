/**
 * The makespan of the seeded 30-task reference DAG at concurrency 4 against its lower bound —
 * the longer of its critical path and a FIFO schedule on four slots with no overhead at all,
 * each task as long as its call takes alone — and the same DAG one task at a time.
 */
import { criticalPath, edgeCount, fifoSchedule, percentile, referenceDag, type BenchTask } from './dag';
import { measureCallExtras, runWithoutQueue } from './baselines';
import { benchGraph } from './benchGraph';
import { delays, openEngine, runChain, usingEngine, warmUp, WARM_UP, type Context } from './engineBench';
import { startFakeProcess } from './fakeProcess';
import type { Figure } from './report';

/** Runs of the reference DAG at concurrency 4, Takoss and the no-queue scheduler alternately; the median is reported. */
const MAKESPAN_RUNS = 3;

/** A task's call in the bound: the 10th percentile of what the DAG's own calls took beyond their delay. */
const CALL_PERCENTILE = 10;

/** A task with no delay, called back to back: what the bound used to count for every call. */
const PROBE: BenchTask = { id: 'probe', dependsOn: [], delayMs: 0 };

export async function makespanFigures(context: Context): Promise<Figure[]> {
  const dag = referenceDag();
  const fake = await startFakeProcess({
    tasks: { ...delays(dag).tasks, ...delays(WARM_UP).tasks, ...delays([PROBE]).tasks },
  });
  const boundWith = (callMs: number) => {
    const duration = (task: BenchTask) => task.delayMs + callMs;
    return Math.max(criticalPath(dag, duration), fifoSchedule(dag, 4, duration));
  };
  const measured = await (async () => {
    const parallel = await usingEngine(openEngine(context, 4, fake.baseUrl), async (engine) => {
      await warmUp(engine, context);
      // Each task's duration in the bound: its delay, and what a call with a delay takes beyond it
      // (a low percentile, so that the bound stays below what the tasks take).
      const callMs = percentile(await measureCallExtras(engine, dag), CALL_PERCENTILE);
      const backToBackMs = percentile((await measureCallExtras(engine, [PROBE], 25)).slice(5), 50);
      // ABBA: single runs of the same code differ by up to 50 ms, and neither goes first every time.
      const takossRuns: number[] = [];
      const noQueueRuns: number[] = [];
      for (let run = 0; run < MAKESPAN_RUNS; run++) {
        const takoss = async () => takossRuns.push((await runChain(engine, context, dag)).ms);
        const noQueue = async () => noQueueRuns.push(await runWithoutQueue(engine, benchGraph(dag), 4));
        for (const each of run % 2 === 0 ? [takoss, noQueue] : [noQueue, takoss]) await each();
      }
      return { callMs, backToBackMs, takossRuns, noQueueRuns };
    });
    const serial = await usingEngine(openEngine(context, 1, fake.baseUrl), (engine) => runChain(engine, context, dag));
    return { ...parallel, oneAtATimeMs: serial.ms };
  })().finally(() => fake.stop());
  const bound = boundWith(measured.callMs);
  const takossMs = percentile(measured.takossRuns, 50);
  const noQueueMs = percentile(measured.noQueueRuns, 50);
  const runs = (values: readonly number[]) => values.map((ms) => ms.toFixed(0)).join(', ');
  return [
    {
      figure: `makespan, ${dag.length}-task DAG (${edgeCount(dag)} edges), concurrency 4`,
      baseline:
        `bound ${bound.toFixed(0)} ms (max of critical path, FIFO 4-slot schedule; calls ${measured.callMs.toFixed(1)} ms` +
        ` beyond their delay); in-process scheduler, no queue: ${(noQueueMs / bound).toFixed(3)}`,
      takoss: `${takossMs.toFixed(0)} ms (median of ${MAKESPAN_RUNS} runs: ${runs(measured.takossRuns)})`,
      ratio: takossMs / bound,
      goal: '≤ 1.02',
      met: takossMs / bound <= 1.02,
      detail: {
        boundMs: bound,
        takossMs,
        takossRunsMs: runs(measured.takossRuns),
        inProcessNoQueueMs: noQueueMs,
        inProcessNoQueueRunsMs: runs(measured.noQueueRuns),
        callOverheadMs: measured.callMs,
        // The bound as it was counted before, with back-to-back calls, and Takoss against it.
        backToBackCallMs: measured.backToBackMs,
        boundWithBackToBackCallsMs: boundWith(measured.backToBackMs),
        ratioWithBackToBackCalls: takossMs / boundWith(measured.backToBackMs),
      },
    },
    {
      figure: 'same DAG, one task at a time',
      baseline: `Takoss at concurrency 4: ${takossMs.toFixed(0)} ms`,
      takoss: `${measured.oneAtATimeMs.toFixed(0)} ms`,
      ratio: measured.oneAtATimeMs / takossMs,
      goal: 'context: parallel speed-up',
      met: true,
      detail: { sequentialMs: measured.oneAtATimeMs },
    },
  ];
}
