/**
 * The seeded reference DAG of the benchmarks and the schedules it is measured against:
 * its critical path, and the makespan of an ideal zero-overhead scheduler on N slots that
 * starts ready tasks first in, first out (what a plain queue does) or by a priority (what
 * Takoss does). None includes any overhead.
 */

/** mulberry32: small, fast, and the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchTask {
  readonly id: string;
  readonly dependsOn: readonly string[];
  /** Simulated model time of the task's call. */
  readonly delayMs: number;
}

/** `count` tasks, each depending on up to `maxDeps` earlier ones, delays in [minMs, maxMs]. */
export function referenceDag(count = 30, seed = 42, maxDeps = 3, minMs = 50, maxMs = 400): BenchTask[] {
  const random = seededRandom(seed);
  const tasks: BenchTask[] = [];
  for (let index = 0; index < count; index++) {
    const wanted = index === 0 ? 0 : Math.min(index, Math.floor(random() * (maxDeps + 1)));
    const deps = new Set<string>();
    while (deps.size < wanted) deps.add(`t${String(Math.floor(random() * index)).padStart(2, '0')}`);
    tasks.push({
      id: `t${String(index).padStart(2, '0')}`,
      dependsOn: [...deps].sort(),
      delayMs: Math.round(minMs + random() * (maxMs - minMs)),
    });
  }
  return tasks;
}

/** A chain of `count` tasks, each depending on the one before. */
export function linearChain(count: number, delayMs: number, prefix = 'h'): BenchTask[] {
  const id = (index: number) => `${prefix}${String(index).padStart(3, '0')}`;
  return Array.from({ length: count }, (_, index) => ({
    id: id(index),
    dependsOn: index === 0 ? [] : [id(index - 1)],
    delayMs,
  }));
}

export function edgeCount(tasks: readonly BenchTask[]): number {
  return tasks.reduce((sum, task) => sum + task.dependsOn.length, 0);
}

/**
 * The no-op throughput chain: `layers` layers of `width` tasks, each (after the first layer)
 * depending on one random task of the layer before.
 */
export function layeredDag(layers = 10, width = 100, seed = 7): BenchTask[] {
  const random = seededRandom(seed);
  const tasks: BenchTask[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let index = 0; index < width; index++) {
      const dependsOn = layer === 0 ? [] : [`n${layer - 1}-${Math.floor(random() * width)}`];
      tasks.push({ id: `n${layer}-${index}`, dependsOn, delayMs: 0 });
    }
  }
  return tasks;
}

/** Length of the longest dependency path, with each task taking `duration(task)`. */
export function criticalPath(tasks: readonly BenchTask[], duration: (task: BenchTask) => number): number {
  const finish = new Map<string, number>();
  for (const task of tasks) {
    const ready = Math.max(0, ...task.dependsOn.map((id) => finish.get(id) ?? 0));
    finish.set(task.id, ready + duration(task));
  }
  return Math.max(...finish.values());
}

/**
 * Makespan of list scheduling on `slots` with no overhead at all: whenever a slot is free it
 * starts the ready task that comes first by `priority` (lower first, as BullMQ's numbers), and
 * among equals the one that became ready first. With no priority, first in, first out: what
 * a plain queue does.
 */
export function listSchedule(
  tasks: readonly BenchTask[],
  slots: number,
  duration: (task: BenchTask) => number,
  priority: (task: BenchTask) => number = () => 0,
): number {
  const pending = new Map(tasks.map((task) => [task.id, task.dependsOn.length]));
  const dependents = new Map<string, string[]>(tasks.map((task) => [task.id, []]));
  for (const task of tasks) for (const dep of task.dependsOn) dependents.get(dep)!.push(task.id);
  const byId = new Map(tasks.map((task) => [task.id, task]));
  // Ready tasks in the order they became ready.
  const ready: BenchTask[] = tasks.filter((task) => task.dependsOn.length === 0);
  const running: { id: string; end: number }[] = [];
  let now = 0;
  let done = 0;
  while (done < tasks.length) {
    while (running.length < slots && ready.length > 0) {
      const task = takeFirst(ready, priority);
      running.push({ id: task.id, end: now + duration(task) });
    }
    running.sort((a, b) => a.end - b.end);
    const next = running.shift()!;
    now = next.end;
    done++;
    for (const dependent of dependents.get(next.id)!) {
      const left = pending.get(dependent)! - 1;
      pending.set(dependent, left);
      if (left === 0) ready.push(byId.get(dependent)!);
    }
  }
  return now;
}

/**
 * Takes out of `ready` (in the order its tasks became ready) the one that comes first by
 * `priority`, lower first, and the earliest among equals.
 */
export function takeFirst<T>(ready: T[], priority: (task: T) => number): T {
  let first = 0;
  for (let index = 1; index < ready.length; index++) {
    if (priority(ready[index]!) < priority(ready[first]!)) first = index;
  }
  return ready.splice(first, 1)[0]!;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
