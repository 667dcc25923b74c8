/** Benchmark tasks as the validated task graph the engine runs. */
import { validateTaskGraph, type TaskGraph } from '../../server/src/decomposer/taskGraph';
import type { BenchTask } from './dag';

export function benchGraph(tasks: readonly BenchTask[]): TaskGraph {
  return validateTaskGraph(
    {
      tasks: tasks.map((task) => ({
        id: task.id,
        title: task.id,
        description: `Task ${task.id}`,
        category: 'general',
        dependsOn: task.dependsOn,
      })),
    },
    { maxTasks: tasks.length },
  );
}
