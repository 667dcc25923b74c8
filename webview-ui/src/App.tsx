import { useCallback, useEffect, useState } from 'react';
import { ChainHeader } from './ChainHeader';
import type { LayoutCache } from './graph/layout';
import { TaskGraph } from './graph/TaskGraph';
import { Legend } from './Legend';
import { ExtensionMessage, WebviewMessage, type ChainSnapshot } from './protocol';
import { readExtensionMessage } from './readExtensionMessage';
import { TaskPanel } from './TaskPanel';
import type { Messenger } from './vscodeApi';

export interface AppProps {
  readonly messenger: Messenger;
  /** Where extension messages arrive; `window` in VS Code. */
  readonly events: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  /** The graph's layouts (the page's, kept in VS Code's state); a fresh one when not given. */
  readonly layoutCache?: LayoutCache;
}

interface Versioned {
  readonly version: number;
  readonly chain: ChainSnapshot;
}

/** Streamed text: chain id → task id → text. */
type Outputs = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function App({ messenger, events, layoutCache }: AppProps) {
  const [snapshot, setSnapshot] = useState<Versioned | undefined>();
  const [outputs, setOutputs] = useState<Outputs>(new Map());
  const [selectedTaskId, setSelectedTaskId] = useState<string | undefined>();

  useEffect(() => {
    const onMessage = (event: Event) => {
      const message = readExtensionMessage(event);
      if (message?.type === ExtensionMessage.snapshot) {
        const { version, chain } = message;
        // A hidden webview may get snapshots out of order: only a newer one replaces the current.
        setSnapshot((current) => (current && current.version >= version ? current : { version, chain }));
      } else if (message?.type === ExtensionMessage.taskOutput) {
        const { chainId, taskId, text } = message;
        setOutputs((current) => new Map(current).set(chainId, new Map(current.get(chainId)).set(taskId, text)));
      }
    };
    events.addEventListener('message', onMessage);
    messenger.post({ type: WebviewMessage.ready });
    return () => events.removeEventListener('message', onMessage);
  }, [messenger, events]);

  const chainId = snapshot?.chain.chainId;
  useEffect(() => {
    // Another chain: drop the old one's output (this one's may have arrived before its first snapshot).
    setSelectedTaskId(undefined);
    setOutputs((current) =>
      [...current.keys()].every((id) => id === chainId)
        ? current
        : new Map([...current].filter(([id]) => id === chainId)),
    );
  }, [chainId]);

  const onClose = useCallback(() => setSelectedTaskId(undefined), []);

  if (!snapshot) {
    return (
      <p className="waiting" role="status">
        Waiting for a chain…
      </p>
    );
  }

  const { chain } = snapshot;
  const selected = chain.tasks.find((task) => task.id === selectedTaskId);
  const output = selected ? outputs.get(chain.chainId)?.get(selected.id) : undefined;

  return (
    <div className="app">
      <ChainHeader chain={chain} />
      <Legend />
      <main className="workspace">
        <TaskGraph
          tasks={chain.tasks}
          selectedTaskId={selected?.id}
          onSelect={setSelectedTaskId}
          {...(layoutCache ? { layoutCache } : {})}
        />
        {selected && (
          <TaskPanel
            key={selected.id}
            chain={chain}
            task={selected}
            output={output}
            messenger={messenger}
            onClose={onClose}
          />
        )}
      </main>
    </div>
  );
}
