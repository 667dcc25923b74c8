/**
 * The `takoss` command line (DESIGN.md §3.1). Exit codes: 0 done, 1 failed, 2 bad input or
 * usage, 3 infrastructure unavailable. Results go to stdout, progress and errors to stderr.
 */
import { Command, CommanderError } from 'commander';
import { formatDoctorReport, runDoctor } from './cli/doctor';
import { EXIT_CODE, TakossError, errorMessage } from './errors';
import { runLanguageServer } from './main';
import { redactSecrets } from './redact';
import { VERSION } from './version';

function buildProgram(): Command {
  const program = new Command('takoss')
    .description('Turn one sentence into a working project, built by Claude as a graph of durable jobs.')
    .version(VERSION)
    .showHelpAfterError('(run takoss --help for usage)')
    .exitOverride();

  program
    .command('doctor')
    .description('check Redis, PostgreSQL, migrations and the Anthropic API key')
    .option('--json', 'print one JSON object instead of lines')
    .action(async (options: { json?: boolean }) => {
      const report = await runDoctor({ env: process.env });
      const output = options.json
        ? JSON.stringify({ ok: report.exitCode === EXIT_CODE.ok, checks: report.checks })
        : formatDoctorReport(report);
      process.stdout.write(`${output}\n`);
      process.exitCode = report.exitCode;
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

export async function main(argv: readonly string[]): Promise<number | undefined> {
  try {
    await buildProgram().parseAsync([...argv]);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message; --help and --version end with 0.
      return error.exitCode === 0 ? EXIT_CODE.ok : EXIT_CODE.usage;
    }
    process.stderr.write(`takoss: ${redactSecrets(errorMessage(error))}\n`);
    return error instanceof TakossError ? error.exitCode : EXIT_CODE.failed;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
