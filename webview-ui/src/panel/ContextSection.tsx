import type { TaskSnapshot } from '../protocol';
import { formatTokens } from '../format';

/** Exactly what the task was given by its ancestors: summaries and which of their files were included. */
export function ContextSection({ task }: { readonly task: TaskSnapshot }) {
  const context = task.context;
  return (
    <section className="panel-section" data-testid="task-context" aria-labelledby="task-context-heading">
      <h3 id="task-context-heading">
        Received context
        {context && <span className="muted"> · ~{formatTokens(context.approxTokens)} tokens</span>}
      </h3>
      {!context && (
        <p className="muted">
          {task.dependsOn.length === 0
            ? 'No dependencies: this task starts from the request alone.'
            : 'Not assembled yet.'}
        </p>
      )}
      {context && context.tasks.length === 0 && <p className="muted">Nothing from other tasks.</p>}
      {context && context.tasks.length > 0 && (
        <ol className="context-list">
          {context.tasks.map((received) => (
            <li key={received.taskId} data-testid={`context-${received.taskId}`} data-relation={received.relation}>
              <div className="context-head">
                <span className="context-title">{received.title}</span>
                <code className="context-id">{received.taskId}</code>
                <span className={`badge relation-${received.relation}`}>{received.relation}</span>
              </div>
              {received.summary ? (
                <p className="context-summary">{received.summary}</p>
              ) : (
                <p className="muted">No summary.</p>
              )}
              {received.files.length > 0 && (
                <ul className="context-files" aria-label={`Files of ${received.taskId}`}>
                  {received.files.map((file) => (
                    <li key={file.path} data-included={file.included}>
                      <code>{file.path}</code>{' '}
                      <span className={file.included ? 'badge included' : 'badge excluded'}>
                        {file.included ? 'included' : 'not included'}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
