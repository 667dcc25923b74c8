/**
 * The VS Code extension's side of the guarded writer. The backend reviews a task's files
 * against the real workspace (containment by real path, symlinks, protected paths, who wrote
 * what) exactly as the CLI does; the extension then writes the accepted files with one
 * WorkspaceEdit per task — one undo step — asking the user about conflicts and protected
 * paths. The ledger records what was written.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
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
  /** Where the chain records what Takoss wrote (the repository). */
  ledgers: Pick<ChainRepository, 'ledger'>,
  send: ApplyFilesSender,
): FileApplier {
  return {
    async apply(taskId: string, files: readonly GeneratedFile[]): Promise<AppliedFiles> {
      const ledger = ledgers.ledger(chainId, taskId);
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
      // The editor says what it wrote; the disk says what is there (format-on-save may have
      // touched it). The ledger records the disk's content, and a file reported written but
      // missing counts as refused, so a chain never claims files that are not there.
      const proposedSha = new Map(proposed.map((file) => [file.path, file.sha256]));
      const outcomes: AppliedFileView[] = [];
      for (const outcome of answer.files) {
        const sha256 = proposedSha.get(outcome.path);
        if (!sha256 || !['created', 'updated', 'unchanged'].includes(outcome.action)) {
          outcomes.push(outcome);
          continue;
        }
        const onDisk = await sha256Of(path.join(workspace, ...outcome.path.split('/')));
        if (onDisk === undefined) {
          outcomes.push({
            path: outcome.path,
            action: 'refused',
            reason: `the editor reported ${outcome.action} but the file is not on disk`,
          });
          continue;
        }
        await ledger.set(outcome.path, outcome.action === 'unchanged' ? sha256 : onDisk);
        outcomes.push(outcome);
      }
      const refused = outcomes.find((outcome) => outcome.action === 'refused');
      return refused
        ? { ok: false, reason: refused.reason ?? `the editor refused ${refused.path}`, outcomes }
        : { ok: true, outcomes };
    },
  };
}

async function sha256Of(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  } catch {
    return undefined;
  }
}
