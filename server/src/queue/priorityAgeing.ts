/**
 * Ageing for the start order (taskPriority.ts). Priority numbers restart at 1 in every chain,
 * so while newer chains keep queueing the first tasks of their longest paths, an older chain's
 * later tasks (larger numbers) would wait behind them for as long as they kept coming. The
 * chain's driver shows its waiting jobs here at each reconcile (every few seconds); a task that
 * has been seen waiting for longer than `promoteAfterMs` moves up to priority 1, behind the jobs
 * already there. No task then waits behind newer work for much longer than that.
 */
import type { Queue } from 'bullmq';
import type { TaskJobData } from './taskQueue';

/** @defaultValue for `promoteAfterMs`: well beyond a Claude call, well short of a user giving up. */
export const DEFAULT_PROMOTE_AFTER_MS = 60_000;

export class PriorityAgeing {
  /** When each task was first seen with its job waiting. */
  private readonly waitingSince = new Map<string, number>();
  /** Tasks whose waiting job is at priority 1 already (nothing more to look up). */
  private readonly atTheTop = new Set<string>();

  constructor(
    private readonly queue: Queue<TaskJobData>,
    private readonly promoteAfterMs = DEFAULT_PROMOTE_AFTER_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes the chain's tasks whose jobs wait in the queue now (task id → job id); forgets the
   * others, and moves up those that have waited too long. Returns the tasks moved up.
   */
  async review(waiting: ReadonlyMap<string, string>): Promise<string[]> {
    const now = this.now();
    for (const taskId of this.waitingSince.keys()) {
      if (waiting.has(taskId)) continue;
      this.waitingSince.delete(taskId);
      this.atTheTop.delete(taskId);
    }
    const promoted: string[] = [];
    for (const [taskId, jobId] of waiting) {
      const since = this.waitingSince.get(taskId);
      if (since === undefined) this.waitingSince.set(taskId, now);
      if (since === undefined || now - since < this.promoteAfterMs || this.atTheTop.has(taskId)) continue;
      this.atTheTop.add(taskId);
      const job = await this.queue.getJob(jobId);
      if (!job || job.priority <= 1) continue;
      try {
        // Atomic in BullMQ: a job a worker took meanwhile only has the number written on it.
        await job.changePriority({ priority: 1 });
        promoted.push(taskId);
      } catch {
        // The job was removed meanwhile (it finished, or the chain was cleaned up): nothing to age.
      }
    }
    return promoted;
  }
}
