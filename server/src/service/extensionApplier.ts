/**
 * The VS Code extension's side of the guarded writer. The backend reviews a task's files
 * against the real workspace (containment by real path, symlinks, protected paths, who wrote
 * what) exactly as the CLI does; the extension then writes the accepted files with one
 * WorkspaceEdit per task — one undo step — asking the user about conflicts and protected
 * paths. The ledger records what was written.
 */
import type { GeneratedFile } from '../context/types';
import type { AppliedFiles, FileApplier } from '../orchestrator/chainDriver';
import type { ChainRepository } from '../orchestrator/chainRepository';
import type { AppliedFileView, ApplyFilesParams, ProposedFile } from '../protocol';
import { reviewChanges } from '../workspace/fileReview';

/** Sends the request to the extension (the connection's `sendRequest`). */
export type ApplyFilesSender = (params: ApplyFilesParams) => Promise<{ files: AppliedFileView[] }>;

export function extensionApplier(
  workspace: string,
  chainId: string,
  titles: ReadonlyMap<string, string>,
  repository: ChainRepository,
  send: ApplyFilesSender,
): FileApplier {
  return {
    async apply(taskId: string, files: readonly GeneratedFile[]): Promise<AppliedFiles> {
      const ledger = repository.ledger(chainId, taskId);
      const review = await reviewChanges(
        workspace,
        files.map((file) => ({ path: file.path, content: file.content })),
        ledger,
      );
      if (!review.ok) return { ok: false, reason: review.reason, outcomes: review.outcomes };
      const proposed: ProposedFile[] = review.changes.map((reviewed) => ({
        path: reviewed.change.path,
        content: reviewed.change.data.toString('utf8'),
        sha256: reviewed.change.sha256,
        decision: reviewed.kind === 'unchanged' ? 'unchanged' : reviewed.action === 'created' ? 'create' : 'update',
        ...(reviewed.kind === 'write' && reviewed.conflict ? { conflict: reviewed.conflict.reason } : {}),
        ...(reviewed.kind === 'write' && reviewed.protection ? { protection: reviewed.protection.reason } : {}),
      }));
      const answer = await send({
        chainId,
        taskId,
        taskTitle: titles.get(taskId) ?? taskId,
        workspace,
        files: proposed,
      });
      const bySha = new Map(proposed.map((file) => [file.path, file.sha256]));
      for (const outcome of answer.files) {
        const sha256 = bySha.get(outcome.path);
        if (
          sha256 &&
          (outcome.action === 'created' || outcome.action === 'updated' || outcome.action === 'unchanged')
        ) {
          await ledger.set(outcome.path, sha256);
        }
      }
      const refused = answer.files.find((outcome) => outcome.action === 'refused');
      return refused
        ? { ok: false, reason: refused.reason ?? `the editor refused ${refused.path}`, outcomes: answer.files }
        : { ok: true, outcomes: answer.files };
    },
  };
}
