/**
 * Bundles bench/lib/engineProcess.ts the way scripts/build.mjs bundles dist/cli.js (esbuild,
 * CJS, Node 20, minified), so that the processes the benchmarks start run shipped-style code.
 * The bundle lives under the project (node_modules/.cache), where the engine finds
 * prisma/migrations by walking up from it, as dist/cli.js does.
 */
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');

/** Path of the bundled engine process script. */
export async function bundleEngineProcess(): Promise<string> {
  const outfile = path.join(ROOT, 'node_modules', '.cache', 'takoss-bench', 'engineProcess.js');
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['bench/lib/engineProcess.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    external: ['pg-native'],
    define: { TAKOSS_BUILD_VERSION: JSON.stringify('bench') },
    logLevel: 'warning',
  });
  return outfile;
}
