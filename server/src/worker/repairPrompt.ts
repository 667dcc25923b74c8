/**
 * A repair task's instructions: the `verify/repair` template (the version pinned when the
 * chain was created, or the built-in one) rendered with what the verify before it found —
 * the failing command, its trimmed output and the files involved as they were on disk.
 */
import type { TaskResult } from '../context/types';
import type { TaskSpec } from '../decomposer/taskGraph';
import type { ChainSpec } from '../orchestrator/chainState';
import { renderTemplate } from '../templates/render';
import { verifyRepair } from '../templates/builtin/verify';
import { TaskOutputError } from './taskRunner';

export function repairInstructions(spec: ChainSpec, task: TaskSpec, results: ReadonlyMap<string, TaskResult>): string {
  const verifyId = task.dependsOn[0] ?? '';
  const verdict = results.get(verifyId)?.verdict;
  if (verdict?.outcome !== 'failed') {
    throw new TaskOutputError(`${task.id} repairs what ${verifyId} found, but ${verifyId} reported no failure.`);
  }
  const pinned = spec.templates?.[task.id];
  const source = pinned?.source ?? verifyRepair;
  const files =
    verdict.involved && verdict.involved.length > 0
      ? verdict.involved.map((file) => `--- ${file.path}\n${file.content}`).join('\n')
      : '(the output names no project file; find the files from the output and the plan)';
  return renderTemplate(pinned?.name ?? verifyRepair.name, source.text, source.variables, {
    request: spec.request,
    command: verdict.command ?? verdict.step ?? 'the checks',
    output: verdict.excerpt || verdict.summary,
    files,
    attempt: String(task.round ?? 1),
  }).text;
}

/** About how many characters of the failure a repair's prompt carries (its budget estimate). */
export function repairPromptChars(task: TaskSpec, results: ReadonlyMap<string, TaskResult>): number {
  const verdict = results.get(task.dependsOn[0] ?? '')?.verdict;
  const files = verdict?.involved?.reduce((sum, file) => sum + file.path.length + file.content.length, 0) ?? 0;
  return task.description.length + (verdict?.excerpt?.length ?? 0) + files;
}
