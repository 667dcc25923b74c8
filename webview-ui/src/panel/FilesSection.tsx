import { WebviewMessage, type ChainSnapshot, type TaskSnapshot } from '../protocol';
import type { Messenger } from '../vscodeApi';

export interface FilesSectionProps {
  readonly chain: ChainSnapshot;
  readonly task: TaskSnapshot;
  readonly messenger: Messenger;
}

/** The files the task produced; each opens in an editor. */
export function FilesSection({ chain, task, messenger }: FilesSectionProps) {
  return (
    <section className="panel-section" aria-labelledby="task-files-heading">
      <h3 id="task-files-heading">Files</h3>
      {task.files.length === 0 ? (
        <p className="muted">No files.</p>
      ) : (
        <ul className="file-list" data-testid="task-files">
          {task.files.map((file) => (
            <li key={file.path} data-action={file.action}>
              <button
                type="button"
                className="link-button"
                // A refused path was never written (it broke the path policy): nothing to open.
                disabled={file.action === 'refused'}
                title={`Open ${file.path}`}
                onClick={() =>
                  messenger.post({
                    type: WebviewMessage.openFile,
                    chainId: chain.chainId,
                    taskId: task.id,
                    path: file.path,
                  })
                }
              >
                {file.path}
              </button>{' '}
              <span className={`badge file-${file.action}`}>{file.action}</span>
              {file.reason && (file.action === 'skipped' || file.action === 'refused') && (
                <span className="file-reason"> {file.reason}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
