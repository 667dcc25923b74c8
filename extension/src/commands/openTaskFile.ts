import * as vscode from 'vscode';
import { resolveInside } from '../workspace/conflictPolicy';
import type { CommandContext } from './commandContext';
import { chooseChain, reportFailure } from './commandTargets';

const OPENABLE = new Set(['created', 'updated', 'unchanged', 'skipped']);

/**
 * Takoss: Open Task File — opens a file a chain wrote. With a path (tree item, graph) it
 * opens that file; otherwise it lists the chain's files (of one task, if named) to pick.
 * Only files the chain's snapshot lists, inside the chain's folder, ever open.
 */
export function openTaskFile({ chains, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseChain(chains, argument, { title: 'Open Task File' });
      if (!target) return;
      const { chain } = await chains.get(target.chainId);
      const files = chain.tasks
        .filter((task) => target.taskId === undefined || task.id === target.taskId)
        .flatMap((task) => task.files.filter((file) => OPENABLE.has(file.action)).map((file) => ({ task, file })));
      const named = pathOf(argument);
      const chosen = named
        ? files.find(({ file }) => file.path === named)
        : await vscode.window
            .showQuickPick(
              files.map((entry) => ({
                label: entry.file.path,
                description: `${entry.file.action} by ${entry.task.title}`,
                entry,
              })),
              {
                title: 'Open Task File',
                placeHolder: files.length ? 'Which file?' : 'This chain wrote no files',
                matchOnDescription: true,
              },
            )
            .then((picked) => picked?.entry);
      if (!chosen) {
        if (named) void vscode.window.showWarningMessage(`Takoss: the chain did not write "${named}".`);
        return;
      }
      const absolute = resolveInside(chain.workspace, chosen.file.path);
      if (!absolute) throw new Error(`"${chosen.file.path}" is not inside ${chain.workspace}`);
      await vscode.window.showTextDocument(vscode.Uri.file(absolute), { preview: true });
    } catch (error) {
      await reportFailure(log, 'Open Task File', error);
    }
  };
}

function pathOf(argument: unknown): string | undefined {
  if (typeof argument !== 'object' || argument === null) return undefined;
  const source =
    'node' in argument && typeof argument.node === 'object' && argument.node !== null ? argument.node : argument;
  return 'path' in source && typeof source.path === 'string' ? source.path : undefined;
}
