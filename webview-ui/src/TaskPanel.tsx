import type { KeyboardEvent } from 'react';
import { elapsedMs, formatDuration, formatTime } from './format';
import { ContextSection } from './panel/ContextSection';
import { FilesSection } from './panel/FilesSection';
import { OutputSection } from './panel/OutputSection';
import { UsageSection } from './panel/UsageSection';
import { VerifySection } from './panel/VerifySection';
import { WebviewMessage, type ChainSnapshot, type TaskSnapshot } from './protocol';
import { isChainActive, isRetryable, statusColorStyle, TASK_STATUS_APPEARANCE } from './status';
import { KIND_LABEL } from './verification';
import type { Messenger } from './vscodeApi';

export interface TaskPanelProps {
  readonly chain: ChainSnapshot;
  readonly task: TaskSnapshot;
  /** The text the task has streamed, if any arrived. */
  readonly output: string | undefined;
  readonly messenger: Messenger;
  readonly onClose: () => void;
}

/** Everything about one task: state, timings, usage, what it received, what it wrote, and actions. */
export function TaskPanel({ chain, task, output, messenger, onClose }: TaskPanelProps) {
  const appearance = TASK_STATUS_APPEARANCE[task.status];
  const running = task.status === 'running';
  // Measured to now while running: the panel re-renders with every snapshot and output chunk.
  const duration = elapsedMs(task.startedAt, task.finishedAt ?? (running ? new Date().toISOString() : undefined));
  // A verify calls no model and gets no context: those sections would only say "nothing yet".
  const isVerify = task.kind === 'verify';

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape') onClose();
  };

  return (
    <aside className="task-panel" data-testid="task-panel" aria-labelledby="task-panel-title" onKeyDown={onKeyDown}>
      <header className="task-panel-header">
        <h2 id="task-panel-title">{task.title}</h2>
        <button type="button" className="icon-button" aria-label="Close task details" title="Close" onClick={onClose}>
          ×
        </button>
      </header>

      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{task.id}</code>
        </dd>
        <dt>Category</dt>
        <dd>{task.category}</dd>
        {task.kind && (
          <>
            <dt>Kind</dt>
            <dd data-testid="task-panel-kind">{KIND_LABEL[task.kind]}</dd>
          </>
        )}
        <dt>Status</dt>
        <dd
          className="status-text"
          style={statusColorStyle(appearance)}
          data-testid="task-panel-status"
          data-status={task.status}
          title={appearance.description}
        >
          <span className="status-dot" aria-hidden="true" />
          {appearance.label}
        </dd>
        <dt>Template</dt>
        <dd>{task.template ? `${task.template.name} v${task.template.version}` : '—'}</dd>
        <dt>Attempts</dt>
        <dd>{task.attempts}</dd>
        <dt>Started</dt>
        <dd>{formatTime(task.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(task.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{duration === undefined ? '—' : formatDuration(duration)}</dd>
      </dl>
      {appearance.description && <p className="muted">{appearance.description}</p>}

      <div className="panel-actions">
        {isRetryable(task.status) && (
          <button
            type="button"
            onClick={() => messenger.post({ type: WebviewMessage.retryTask, chainId: chain.chainId, taskId: task.id })}
          >
            Retry
          </button>
        )}
        {isChainActive(chain.status) && (
          <button
            type="button"
            className="secondary"
            onClick={() => messenger.post({ type: WebviewMessage.cancelChain, chainId: chain.chainId })}
          >
            Cancel chain
          </button>
        )}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            messenger.post({ type: WebviewMessage.inspectContext, chainId: chain.chainId, taskId: task.id })
          }
        >
          Inspect context
        </button>
      </div>

      {task.error && (
        <section className="panel-section" aria-labelledby="task-error-heading">
          <h3 id="task-error-heading">Error</h3>
          <pre className="task-error" data-testid="task-error">
            {task.error}
          </pre>
        </section>
      )}

      {task.description && (
        <section className="panel-section" aria-labelledby="task-description-heading">
          <h3 id="task-description-heading">Description</h3>
          <p className="prose">{task.description}</p>
        </section>
      )}

      {/* A verify's summary is its verdict, shown with its steps below. */}
      {task.summary && !isVerify && (
        <section className="panel-section" aria-labelledby="task-summary-heading">
          <h3 id="task-summary-heading">Summary</h3>
          <p className="prose">{task.summary}</p>
        </section>
      )}

      {isVerify && <VerifySection task={task} />}

      {(running || output !== undefined) && <OutputSection text={output} running={running} />}

      {/* A verify writes no files and calls no model. */}
      {!isVerify && <FilesSection chain={chain} task={task} messenger={messenger} />}
      {!isVerify && <UsageSection task={task} />}
      {(!isVerify || task.context) && <ContextSection task={task} />}
    </aside>
  );
}
