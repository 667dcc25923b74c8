/**
 * The `takoss` command line (DESIGN.md §3.1). Exit codes: 0 done, 1 failed, 2 bad input or
 * usage, 3 infrastructure unavailable. Results go to stdout, progress and errors to stderr.
 */
import { Command, CommanderError } from 'commander';
import { runBuild, runResume, type CommandContext } from './cli/build';
import { checkChainId, runChainsCancel, runChainsContext, runChainsList, runChainsShow } from './cli/chains';
import { formatDoctorReport, runDoctor } from './cli/doctor';
import {
  runTemplatesAdd,
  runTemplatesAnalytics,
  runTemplatesDiff,
  runTemplatesExport,
  runTemplatesImport,
  runTemplatesLabel,
  runTemplatesList,
  runTemplatesRollback,
  runTemplatesSearch,
  runTemplatesShow,
} from './cli/templates';
import { runWorker } from './cli/worker';
import { EXIT_CODE, TakossError, errorMessage } from './errors';
import { createStderrLogger } from './logger';
import { runLanguageServer } from './main';
import { redactSecrets } from './redact';
import { VERSION } from './version';

function buildProgram(context: CommandContext, setExitCode: (code: number) => void): Command {
  const program = new Command('takoss')
    .description('Turn one sentence into a working project, built by Claude as a graph of durable jobs.')
    .version(VERSION)
    .showHelpAfterError('(run takoss --help for usage)')
    .exitOverride();

  program
    .command('build')
    .description('plan the request with Claude, build it as a task graph, and write the files')
    .argument('<request>', 'what to build, e.g. "A Todo app with React and Express"')
    .requiredOption('--workspace <dir>', 'folder to build in (created if missing)')
    .option('--concurrency <n>', 'tasks at the same time (default: 4)')
    .option('--model <model>', 'Claude model (default: TAKOSS_MODEL or claude-sonnet-5-5)')
    .option('--budget-usd <dollars>', 'stop scheduling once this much is spent')
    .option('--overwrite', 'replace existing files this chain did not write')
    .option('--verify', "end by running the project's install, build and test, repairing failures (runs its code)")
    .option('--max-repairs <n>', 'repair rounds after a failed verify, 0-5 (default: 2)')
    .option('--json', 'print one JSON summary on stdout at the end')
    .action(async (request: string, flags: Record<string, string | boolean | undefined>) => {
      setExitCode(await runBuild(request, flags, context));
    });

  program
    .command('worker')
    .description('process tasks of every chain on this Redis (scale out; stop with Ctrl+C)')
    .option('--concurrency <n>', 'tasks at the same time')
    .action(async (flags: { concurrency?: string }) => setExitCode(await runWorker(flags, context)));

  const chains = program.command('chains').description('list, inspect, resume and cancel chains');
  chains
    .command('list')
    .description('recent chains, newest first')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => setExitCode(await runChainsList(flags, context)));
  chains
    .command('show')
    .argument('<id>')
    .description('a chain and its tasks')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }) => setExitCode(await runChainsShow(id, flags, context)));
  chains
    .command('context')
    .argument('<id>')
    .description('what each task received and produced, the history, and the Redis stats')
    .action(async (id: string) => setExitCode(await runChainsContext(id, context)));
  chains
    .command('resume')
    .argument('<id>')
    .description('continue a chain whose build stopped (completed tasks are not run again)')
    .option('--concurrency <n>', 'tasks at the same time')
    .option('--overwrite', 'replace existing files this chain did not write')
    .option('--verify', "let the chain's verify tasks run the project's install, build and test")
    .option('--json', 'print one JSON summary on stdout at the end')
    .action(async (id: string, flags: Record<string, string | boolean | undefined>) =>
      setExitCode(await runResume(checkChainId(id), flags, context)),
    );
  chains
    .command('cancel')
    .argument('<id>')
    .description('stop a chain: running Claude calls are aborted, nothing new starts')
    .action(async (id: string) => setExitCode(await runChainsCancel(id, context)));

  const templates = program
    .command('templates')
    .description('the prompt template library: versions, search, analytics');
  templates
    .command('list')
    .description('templates with their production version and use count')
    .option('--category <category>', 'only this category')
    .option('--json', 'print JSON')
    .action(async (flags: { category?: string; json?: boolean }) =>
      setExitCode(await runTemplatesList(flags, context)),
    );
  templates
    .command('search')
    .argument('<query>', 'words, "phrases", -excluded')
    .description('ranked full-text search over names, tags, descriptions and texts')
    .option('--json', 'print JSON')
    .action(async (query: string, flags: { json?: boolean }) =>
      setExitCode(await runTemplatesSearch(query, flags, context)),
    );
  templates
    .command('show')
    .argument('<name>')
    .description('a template version (production by default), its variables and versions')
    .option('--version <n>', 'a specific version')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { version?: string; json?: boolean }) =>
      setExitCode(await runTemplatesShow(name, flags, context)),
    );
  templates
    .command('add')
    .argument('<file>', 'JSON or YAML: {name, description, category, tags, text, systemPrompt, variables, modelParams}')
    .description('create a template, or add the file as its next version if it exists')
    .option('--no-production', 'do not make the new version production')
    .action(async (file: string, flags: { production?: boolean }) =>
      setExitCode(await runTemplatesAdd(file, flags, context)),
    );
  templates
    .command('import')
    .argument('<file>', 'a file made by takoss templates export')
    .description('import templates; shows what changes and flags invisible or bidi characters')
    .option('--dry-run', 'show what would change, write nothing')
    .option('--accept-invisible', 'import even if invisible or bidi characters were found')
    .action(async (file: string, flags: { dryRun?: boolean; acceptInvisible?: boolean }) =>
      setExitCode(await runTemplatesImport(file, flags, context)),
    );
  templates
    .command('export')
    .argument('[file]', 'where to write (default: stdout)')
    .description('every template with all versions, labels and examples, and the collections, as JSON')
    .action(async (file: string | undefined) => setExitCode(await runTemplatesExport(file, context)));
  templates
    .command('label')
    .argument('<name>')
    .argument('<version>')
    .argument('[label]', 'default: production')
    .description('point a label (production) at a version; history is untouched')
    .action(async (name: string, version: string, label: string | undefined) =>
      setExitCode(await runTemplatesLabel(name, version, label, context)),
    );
  templates
    .command('rollback')
    .argument('<name>')
    .description('move production to the version before the current one')
    .action(async (name: string) => setExitCode(await runTemplatesRollback(name, context)));
  templates
    .command('diff')
    .argument('<name>')
    .argument('<from>')
    .argument('<to>')
    .description('unified diff of two versions')
    .action(async (name: string, from: string, to: string) =>
      setExitCode(await runTemplatesDiff(name, from, to, context)),
    );
  templates
    .command('analytics')
    .argument('<name>')
    .description('per version: runs, success rate, p50/p95 latency, tokens, cost, retries')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) =>
      setExitCode(await runTemplatesAnalytics(name, flags, context)),
    );

  program
    .command('doctor')
    .description('check Redis, PostgreSQL, migrations and the Anthropic API key')
    .option('--json', 'print one JSON object instead of lines')
    .action(async (options: { json?: boolean }) => {
      const report = await runDoctor({ env: process.env });
      const output = options.json
        ? JSON.stringify({ ok: report.exitCode === EXIT_CODE.ok, checks: report.checks })
        : formatDoctorReport(report);
      context.stdout.write(`${output}\n`);
      setExitCode(report.exitCode);
    });

  program
    .command('serve', { hidden: true })
    .description('run the backend for the VS Code extension (JSON-RPC over Node IPC)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      if (!process.argv.includes('--node-ipc')) {
        throw new TakossError('usage', 'takoss serve is started by the VS Code extension over Node IPC (--node-ipc).');
      }
      runLanguageServer();
    });

  return program;
}

export async function main(argv: readonly string[], signal?: AbortSignal): Promise<number | undefined> {
  let exitCode: number | undefined;
  const context: CommandContext = {
    env: process.env,
    logger: createStderrLogger('info', [process.env.ANTHROPIC_API_KEY ?? '']),
    stdout: process.stdout,
    ...(signal ? { signal } : {}),
  };
  try {
    await buildProgram(context, (code) => (exitCode = code)).parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message; --help and --version end with 0.
      return error.exitCode === 0 ? EXIT_CODE.ok : EXIT_CODE.usage;
    }
    process.stderr.write(`takoss: ${redactSecrets(errorMessage(error), [process.env.ANTHROPIC_API_KEY ?? ''])}\n`);
    return error instanceof TakossError ? error.exitCode : EXIT_CODE.failed;
  }
}

if (require.main === module) {
  const interrupt = new AbortController();
  const onSignal = () => {
    // The first signal stops gracefully (the chain stays resumable); a second one exits now.
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping… (press Ctrl+C again to quit at once)\n');
    interrupt.abort();
  };
  // The language server's lifetime belongs to its client; it keeps Node's default signals.
  if (process.argv[2] !== 'serve') {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  void main(process.argv, interrupt.signal).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
