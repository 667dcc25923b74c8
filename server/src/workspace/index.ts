/** The guarded writer: the one way Takoss writes model output into a workspace. */
export {
  DEFAULT_PATH_LIMITS,
  displayPath,
  isForbiddenPath,
  isProtectedPath,
  validateProposedPath,
  type PathLimits,
  type PathVerdict,
  type Protection,
} from './pathPolicy';
export {
  assertRealFolder,
  ensureFolderInside,
  isInside,
  resolveInRealRoot,
  resolveInWorkspace,
  resolveWorkspaceRoot,
  type ExistingTarget,
  type MissingTarget,
  type RefusedTarget,
  type ResolveOptions,
  type ResolvedTarget,
} from './workspaceGuard';
export { writeFileAtomic } from './atomicWrite';
export {
  DEFAULT_WRITE_LIMITS,
  planChanges,
  reviewChanges,
  type ApplyResult,
  type ChangePlan,
  type FileChange,
  type FileOutcome,
  type PlannedChange,
  type Review,
  type ReviewedChange,
  type ReviewedWrite,
  type WriteLedger,
  type WriteLimits,
  type WriteOptions,
} from './fileReview';
export { applyChanges } from './fileWriter';
