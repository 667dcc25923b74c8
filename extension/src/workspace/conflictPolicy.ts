/**
 * What the extension does with each file the backend proposes. The backend already reviewed
 * the files against the disk; the extension holds the same line on its own (a path must be
 * relative, normalized, not inside `.git`, and the folder one the user has open) and decides
 * who must be asked: protected paths always, conflicts unless the user accepted all for the
 * chain, and files with unsaved edits in an editor. Pure, so the policy is unit-tested.
 */
import path from 'node:path';
import type { ApplyFilesParams, ProposedFile } from '../../../server/src/protocol';
import { isForbiddenPath, isProtectedPath, validateProposedPath } from '../../../server/src/workspace/pathPolicy';

export type FilePlan =
  | { readonly kind: 'write'; readonly file: ProposedFile }
  | {
      readonly kind: 'ask';
      readonly file: ProposedFile;
      readonly why: string;
      /** "Accept all for this chain" is offered for conflicts, never for protected paths. */
      readonly acceptAllAllowed: boolean;
    }
  | { readonly kind: 'unchanged'; readonly file: ProposedFile }
  | { readonly kind: 'refused'; readonly path: string; readonly reason: string };

export type Answer = 'accept' | 'skip' | 'acceptAll';

/** The open folder the request names, or why the request is refused as a whole. */
export function checkWorkspace(
  params: Pick<ApplyFilesParams, 'workspace'>,
  openFolders: readonly string[],
  trusted: boolean,
): { readonly ok: true; readonly folder: string } | { readonly ok: false; readonly reason: string } {
  if (!trusted) return { ok: false, reason: 'the workspace is not trusted, so Takoss does not write to it' };
  const wanted = path.resolve(params.workspace);
  const folder = openFolders.find((candidate) => path.resolve(candidate) === wanted);
  return folder
    ? { ok: true, folder: wanted }
    : { ok: false, reason: `"${params.workspace}" is not a folder open in this window` };
}

export interface FileState {
  /** The file has unsaved changes in an editor. */
  readonly dirty: boolean;
  /** The file exists now (it may have appeared since the backend looked). */
  readonly exists: boolean;
}

export function planFile(file: ProposedFile, chainAcceptsAll: boolean, state: FileState): FilePlan {
  const verdict = validateProposedPath(file.path);
  if (!verdict.ok) return { kind: 'refused', path: file.path, reason: verdict.reason };
  if (verdict.path !== file.path) {
    return {
      kind: 'refused',
      path: file.path,
      reason: `path "${file.path}" is not normalized (expected "${verdict.path}")`,
    };
  }
  const forbidden = isForbiddenPath(file.path);
  if (forbidden) return { kind: 'refused', path: file.path, reason: forbidden };
  if (state.dirty) {
    return { kind: 'ask', file, why: `${file.path} has unsaved changes in an editor`, acceptAllAllowed: false };
  }
  if (file.decision === 'unchanged') return { kind: 'unchanged', file };
  if (file.decision === 'create' && state.exists) {
    return { kind: 'ask', file, why: `${file.path} appeared after Takoss looked`, acceptAllAllowed: false };
  }
  const protection = file.protection ?? verdict.protection?.reason ?? isProtectedPath(file.path)?.reason;
  if (protection) return { kind: 'ask', file, why: protection, acceptAllAllowed: false };
  if (file.conflict) {
    return chainAcceptsAll
      ? { kind: 'write', file }
      : { kind: 'ask', file, why: file.conflict, acceptAllAllowed: true };
  }
  return { kind: 'write', file };
}

/** The plan after the user answered (no answer — the message was dismissed — skips). */
export function applyAnswer(plan: Extract<FilePlan, { kind: 'ask' }>, answer: Answer | undefined): FilePlan {
  if (answer === 'accept' || (answer === 'acceptAll' && plan.acceptAllAllowed))
    return { kind: 'write', file: plan.file };
  return { kind: 'refused', path: plan.file.path, reason: 'skipped' };
}

/** The absolute path of a planned file, or undefined if it would leave the folder. */
export function resolveInside(folder: string, relative: string): string | undefined {
  const absolute = path.resolve(folder, ...relative.split('/'));
  return absolute !== path.resolve(folder) && isWithin(folder, absolute) ? absolute : undefined;
}

/** Whether `candidate` is `folder` or below it (both absolute). */
export function isWithin(folder: string, candidate: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(candidate));
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
