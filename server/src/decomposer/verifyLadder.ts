/**
 * The verification ladder a chain ends with (DESIGN.md §4.1): `verify-1 → repair-1 →
 * verify-2 → … → verify-(maxRepairs+1)`. It is part of the graph from the start, so the
 * graph never changes shape while it runs; rungs a passing verify makes unnecessary are
 * settled `unneeded`.
 */
import type { TaskGraph, TaskSpec } from './taskGraph';

export const verifyTaskId = (round: number): string => `verify-${round}`;
export const repairTaskId = (round: number): string => `repair-${round}`;

/** Title of every verify task (the graph and the CLI show it). */
export const VERIFY_TITLE = 'Verify: install, build and test';

/**
 * `graph` with the ladder appended. The first verify depends on the graph's sinks — the
 * tasks nothing depends on — which orders it after every task (each one is an ancestor of
 * some sink) with far fewer edges to draw than one per task.
 */
export function withVerifyLadder(graph: TaskGraph, maxRepairs: number): TaskGraph {
  const dependedOn = new Set(graph.tasks.flatMap((task) => task.dependsOn));
  const sinks = graph.tasks.filter((task) => !dependedOn.has(task.id)).map((task) => task.id);
  const ladder: TaskSpec[] = [];
  for (let round = 1; round <= maxRepairs + 1; round++) {
    ladder.push({
      id: verifyTaskId(round),
      title: round === 1 ? VERIFY_TITLE : `${VERIFY_TITLE} (after repair ${round - 1})`,
      description:
        'Run the project’s own install, build and test commands in the workspace (no Claude call). ' +
        'A failure hands the command, its output and the files involved to the next repair.',
      category: 'testing',
      dependsOn: round === 1 ? sinks : [repairTaskId(round - 1)],
      kind: 'verify',
      round,
    });
    if (round <= maxRepairs) {
      ladder.push({
        id: repairTaskId(round),
        title: `Repair round ${round}`,
        description: `Find the root cause of what ${verifyTaskId(round)} reported and fix it in the project's files.`,
        category: 'testing',
        dependsOn: [verifyTaskId(round)],
        kind: 'repair',
        round,
      });
    }
  }
  return { tasks: [...graph.tasks, ...ladder] };
}

/** The planner's own tasks, without the ladder. */
export function plannedTasks(graph: TaskGraph): TaskSpec[] {
  return graph.tasks.filter((task) => task.kind === undefined);
}

/** True when the chain's graph ends with a verification ladder. */
export function hasVerifyLadder(graph: TaskGraph): boolean {
  return graph.tasks.some((task) => task.kind === 'verify');
}
