/** Verify: prove that a generated project installs, builds and passes its tests (issue 9). */
export {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_VERIFY_TIMEOUTS_MS,
  VerifyCancelledError,
  WINDOWS_NOT_SUPPORTED,
  runVerify,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyResult,
  type VerifyStepResult,
} from './verifyRunner';
export {
  MAX_PACKAGE_JSON_BYTES,
  PackageJsonError,
  detectToolchain,
  isPlaceholderTestScript,
  readPackageJson,
  type PackageJson,
  type ReadPackageJsonOptions,
  type PackageManager,
  type SkippedStep,
  type Toolchain,
  type VerifyStep,
  type VerifyStepName,
} from './toolchain';
export {
  BoundedOutput,
  DEFAULT_EXCERPT_BYTES,
  DEFAULT_MAX_OUTPUT_BYTES,
  trimOutput,
  type TrimOptions,
} from './outputExcerpt';
export { buildVerifyEnv, isNeverPassed, withoutParentBins, type VerifyEnvOptions } from './cleanEnv';
export { findInvolvedFiles, isSecretPath, pathCandidates, readInvolvedFiles, withLocalImports } from './involvedFiles';
