/**
 * The process groups verify has running, and what happens to them when the backend dies.
 *
 * The groups are detached, so nothing ends them with us: on an orderly exit the 'exit' listener
 * kills them, and while any is live, SIGTERM, SIGHUP and SIGINT handlers do the same and then let
 * the signal do what it would have done without us (the default: the process dies by it). When no
 * group is live, none of these listeners is installed.
 */

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];

const liveKillers = new Set<() => void>();
const signalHandlers = new Map<NodeJS.Signals, () => void>();
let installed = false;

function killAll(): void {
  for (const kill of liveKillers) {
    try {
      kill();
    } catch {
      // Gone already, or not ours to kill any more: the others must still be killed.
    }
  }
}

const onExit = (): void => killAll();

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', onExit);
  for (const signal of SIGNALS) {
    const handler = (): void => onSignal(signal);
    signalHandlers.set(signal, handler);
    process.once(signal, handler);
  }
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', onExit);
  for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
  signalHandlers.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  liveKillers.clear();
  uninstall();
  // Someone else handles this signal (a graceful shutdown): they decide what happens next.
  // Otherwise our listener was the only reason the signal did not end the process: raise it again.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/**
 * Registers a live process group by the function that kills it (SIGKILL to the whole group).
 * Returns the function to call once the group is gone.
 */
export function trackProcessGroup(kill: () => void): () => void {
  liveKillers.add(kill);
  install();
  return () => {
    liveKillers.delete(kill);
    if (liveKillers.size === 0) uninstall();
  };
}

/** How many groups are live; for tests. */
export function liveProcessGroupCount(): number {
  return liveKillers.size;
}
