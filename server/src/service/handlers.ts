/**
 * The table of request handlers: each protocol constant bound to what answers it. Our own
 * errors reach the extension as JSON-RPC errors carrying their message and kind, so it can
 * show the message as is.
 */
import { ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import type { RequestType, RequestType0 } from 'vscode-jsonrpc';
import { TakossError } from '../errors';
import type { Logger } from '../logger';
import {
  ChainCancelRequest,
  ChainCleanupRequest,
  ChainContextRequest,
  ChainGetRequest,
  ChainResumeRequest,
  ChainRetryTaskRequest,
  ChainStartRequest,
  ChainsListRequest,
  CollectionsListRequest,
  TemplateAnalyticsRequest,
  TemplateCreateRequest,
  TemplateCreateVersionRequest,
  TemplateGetRequest,
  TemplateRollbackRequest,
  TemplateSearchRequest,
  TemplateSetLabelRequest,
  TemplateVersionsRequest,
  TemplatesListRequest,
  type TemplateVariableView,
} from '../protocol';
import { listCollections } from '../templates/templateCollections';
import {
  createTemplate,
  createVersion,
  getTemplate,
  listTemplates,
  listVersions,
  rollback,
  setLabel,
  type TemplateDb,
} from '../templates/templateStore';
import { getTemplateAnalytics } from '../templates/templateUsage';
import { TEMPLATE_CATEGORIES, type TemplateCategory } from '../templates/types';
import type { SessionNotifier, TakossSession } from './session';
import { templateSummaryView, templateVersionView } from './views';
import { searchTemplates } from '../templates/templateSearch';

/** JSON-RPC error code for Takoss's own, user-facing errors. */
export const TAKOSS_ERROR_CODE = -32001;

function category(value: string | undefined): TemplateCategory | undefined {
  if (value === undefined) return undefined;
  if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(value)) {
    throw new TakossError('usage', `Unknown category "${value}".`);
  }
  return value as TemplateCategory;
}

const variables = (list: readonly TemplateVariableView[] | undefined) => (list ? [...list] : undefined);

export function registerHandlers(
  connection: Connection,
  session: TakossSession,
  notify: SessionNotifier,
  logger: Logger,
): void {
  /** Our own errors travel as JSON-RPC errors with their message; others are logged too. */
  const guard = async <R>(run: () => Promise<R>): Promise<R> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof TakossError) throw new ResponseError(TAKOSS_ERROR_CODE, error.message, { kind: error.kind });
      logger.error(`Request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw error;
    }
  };
  // The type parameters are checked here, at the one place that registers by method name
  // (the typed overloads cannot match a generic result type).
  const on = <P, R>(type: RequestType<P, R, void>, run: (params: P, signal: AbortSignal) => Promise<R>): void => {
    connection.onRequest(type.method, (params: P, token: CancellationToken) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return guard(() => run(params, controller.signal));
    });
  };
  const on0 = <R>(type: RequestType0<R, void>, run: () => Promise<R>): void => {
    connection.onRequest(type.method, () => guard(run));
  };
  const library = async (): Promise<TemplateDb> => (await session.engine()).templates;

  // Template library
  on(TemplatesListRequest, async ({ category: only }) => {
    const filter = category(only);
    return (await listTemplates(await library(), filter ? { category: filter } : {})).map(templateSummaryView);
  });
  on(TemplateVersionsRequest, async ({ name }) => (await listVersions(await library(), name)).map(templateVersionView));
  on(TemplateGetRequest, async ({ name, version }) =>
    templateVersionView(await getTemplate(await library(), name, version === undefined ? {} : { version })),
  );
  on(TemplateSearchRequest, async ({ query }) => searchTemplates(await library(), query));
  on(TemplateCreateRequest, async (params) => {
    const created = await createTemplate(await library(), {
      name: params.name,
      description: params.description,
      category: category(params.category) ?? 'general',
      text: params.text,
      ...(params.variables ? { variables: variables(params.variables) } : {}),
    });
    notify.templatesDidChange(created.name);
    return templateVersionView(created);
  });
  on(TemplateCreateVersionRequest, async (params) => {
    const created = await createVersion(
      await library(),
      params.name,
      {
        text: params.text,
        ...(params.systemPrompt !== undefined ? { systemPrompt: params.systemPrompt } : {}),
        ...(params.variables ? { variables: variables(params.variables) } : {}),
        ...(params.changeNote ? { changeNote: params.changeNote } : {}),
      },
      params.basedOn !== undefined ? { basedOn: params.basedOn } : {},
    );
    notify.templatesDidChange(created.name);
    return templateVersionView(created);
  });
  on(TemplateSetLabelRequest, async ({ name, version, label }) => {
    const record = await setLabel(await library(), name, version, label);
    notify.templatesDidChange(name);
    return templateVersionView(record);
  });
  on(TemplateRollbackRequest, async ({ name }) => {
    const record = await rollback(await library(), name);
    notify.templatesDidChange(name);
    return templateVersionView(record);
  });
  on(TemplateAnalyticsRequest, async ({ name }) => getTemplateAnalytics(await library(), name));
  on0(CollectionsListRequest, async () =>
    (await listCollections(await library())).map((collection) => ({
      ...collection,
      templates: [...collection.templates],
    })),
  );

  // Chains
  on0(ChainsListRequest, () => session.listChains());
  on(ChainGetRequest, ({ chainId }) => session.getChain(chainId));
  on(ChainStartRequest, (params, signal) => session.startChain(params, signal));
  on(ChainCancelRequest, ({ chainId }) => session.cancelChain(chainId));
  on(ChainResumeRequest, ({ chainId }) => session.resumeChain(chainId));
  on(ChainRetryTaskRequest, ({ chainId, taskId }) => session.retryTask(chainId, taskId));
  on(ChainCleanupRequest, ({ chainId }) => session.cleanupChain(chainId));
  on(ChainContextRequest, ({ chainId }) => session.chainContext(chainId));
}
