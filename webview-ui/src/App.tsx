import { useEffect, useState } from 'react';
import { ExtensionMessage, WebviewMessage, type ExtensionToWebviewMessage, type GraphSnapshot } from './protocol';
import type { Messenger } from './vscodeApi';

export interface AppProps {
  readonly messenger: Messenger;
  /** Where extension messages arrive; `window` in VS Code. */
  readonly events: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/** Keeps the newest snapshot (a hidden webview may receive them out of order). */
export function App({ messenger, events }: AppProps) {
  const [snapshot, setSnapshot] = useState<GraphSnapshot | undefined>();

  useEffect(() => {
    const onMessage = (event: MessageEvent<ExtensionToWebviewMessage>) => {
      const message = event.data;
      if (message?.type !== ExtensionMessage.snapshot) return;
      setSnapshot((current) => (current && current.version >= message.snapshot.version ? current : message.snapshot));
    };
    events.addEventListener('message', onMessage as EventListener);
    messenger.post({ type: WebviewMessage.ready });
    return () => events.removeEventListener('message', onMessage as EventListener);
  }, [messenger, events]);

  if (!snapshot) return <p className="empty">Waiting for a chain…</p>;
  return (
    <main>
      <h1>{snapshot.request}</h1>
      <ul aria-label="Tasks">
        {snapshot.tasks.map((task) => (
          <li key={task.id} data-testid={`task-${task.id}`} data-status={task.status}>
            <span className="status">{task.status}</span> {task.title}
          </li>
        ))}
      </ul>
    </main>
  );
}
