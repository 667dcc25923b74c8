/**
 * The CLI's side of the guarded writer: a task's files go to disk through `applyChanges`
 * (containment by real path, atomic and idempotent writes, user files never overwritten
 * unless `--overwrite`, protected files never written by the CLI).
 */
import type { ChainRepository } from '../orchestrator/chainRepository';
import type { AppliedFiles, FileApplier } from '../orchestrator/chainDriver';
import { applyChanges } from '../workspace/fileWriter';

export interface WorkspaceApplierOptions {
  /** Replace files this chain did not write. @defaultValue false */
  readonly overwrite?: boolean;
}

export function workspaceApplier(
  workspace: string,
  chainId: string,
  repository: ChainRepository,
  options: WorkspaceApplierOptions = {},
): FileApplier {
  return {
    async apply(taskId, files): Promise<AppliedFiles> {
      const result = await applyChanges(
        workspace,
        files.map((file) => ({ path: file.path, content: file.content })),
        repository.ledger(chainId, taskId),
        { overwrite: options.overwrite ?? false, approveProtected: false },
      );
      const outcomes = result.outcomes.map((outcome) => ({
        path: outcome.path,
        action: outcome.action,
        ...('reason' in outcome ? { reason: outcome.reason } : {}),
      }));
      return result.refused
        ? { ok: false, reason: result.reason ?? 'a file was refused', outcomes }
        : { ok: true, outcomes };
    },
  };
}
