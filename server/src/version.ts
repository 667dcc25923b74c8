// Replaced by the build (esbuild `define`) with the version in package.json.
declare const TAKOSS_BUILD_VERSION: string | undefined;

export const VERSION: string = typeof TAKOSS_BUILD_VERSION === 'string' ? TAKOSS_BUILD_VERSION : 'dev';
