/**
 * The backend as the extension runs it: a language-server connection over Node IPC (the
 * extension forks `takoss serve --node-ipc`). It binds the protocol to the Backend and
 * nothing else; all decisions live in the Backend and the modules it uses.
 */
import { z } from 'zod';
import {
  CancellationTokenSource,
  ProposedFeatures,
  createConnection,
  type CancellationToken,
  type Connection,
} from 'vscode-languageserver/node';
import { Backend } from './backend';
import { createLogger, type LogLevel, type Logger } from './logger';
import {
  ApplyFilesRequest,
  ChainDidChangeNotification,
  ChainsDidChangeNotification,
  HealthDidChangeNotification,
  HealthRequest,
  TaskOutputNotification,
  TemplatesDidChangeNotification,
  VerifyConsentRequest,
  type BackendInitializationOptions,
} from './protocol';
import { registerHandlers } from './service/handlers';
import { TakossSession, type SessionNotifier } from './service/session';
import { VERSION } from './version';

const initializationOptionsSchema = z
  .object({ settings: z.record(z.string(), z.unknown()).default({}) })
  .default({ settings: {} });

function connectionLogger(connection: Connection): Logger {
  const write: Record<LogLevel, (line: string) => void> = {
    debug: (line) => connection.console.debug(line),
    info: (line) => connection.console.info(line),
    warn: (line) => connection.console.warn(line),
    error: (line) => connection.console.error(line),
  };
  const secrets = [process.env.ANTHROPIC_API_KEY ?? ''];
  return createLogger((level, line) => write[level](line), 'debug', secrets);
}

/** A cancellation token that follows an AbortSignal (the consent prompt closes with the run). */
function tokenFor(signal: AbortSignal): CancellationToken {
  const source = new CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source.token;
}

export function runLanguageServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const logger = connectionLogger(connection);
  let backend: Backend | undefined;
  let session: TakossSession | undefined;
  const notify: SessionNotifier = {
    chainDidChange: (version, chain) =>
      void connection.sendNotification(ChainDidChangeNotification, { version, chain }),
    chainsDidChange: (chainId) => void connection.sendNotification(ChainsDidChangeNotification, { chainId }),
    taskOutput: (chainId, taskId, text) =>
      void connection.sendNotification(TaskOutputNotification, { chainId, taskId, text }),
    templatesDidChange: (name) =>
      void connection.sendNotification(TemplatesDidChangeNotification, name ? { name } : {}),
  };

  connection.onInitialize((params) => {
    const parsed = initializationOptionsSchema.safeParse(params.initializationOptions);
    const options: BackendInitializationOptions = parsed.success ? parsed.data : { settings: {} };
    if (!parsed.success) logger.warn('Ignoring malformed initializationOptions; using environment and defaults.');
    backend = new Backend({ settings: options.settings, env: process.env, logger });
    backend.onDidChangeHealth((report) => {
      void connection.sendNotification(HealthDidChangeNotification, report);
    });
    session = new TakossSession({
      backend,
      settings: options.settings,
      env: process.env,
      logger,
      notify,
      applyFiles: (files) => connection.sendRequest(ApplyFilesRequest, files),
      askVerifyConsent: (params, signal) => connection.sendRequest(VerifyConsentRequest, params, tokenFor(signal)),
    });
    registerHandlers(connection, session, notify, logger);
    return { capabilities: {}, serverInfo: { name: 'takoss', version: VERSION } };
  });

  connection.onInitialized(() => {
    logger.info(`Takoss backend ${VERSION} started (pid ${process.pid}).`);
    backend?.start();
  });

  connection.onRequest(HealthRequest, () => {
    if (!backend) throw new Error('The backend is not initialized yet.');
    return backend.health;
  });

  connection.onShutdown(async () => {
    logger.info('Shutting down.');
    // Running Claude calls are aborted and their tasks go back to the queue for the next start.
    await session?.dispose();
    await backend?.dispose();
  });

  connection.listen();
}
