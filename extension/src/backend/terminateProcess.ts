import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';

/** How long a backend that was asked to stop may take to exit before it is killed. */
export const KILL_AFTER_MS = 2000;

/**
 * Kills `child` and everything it started (a verify step's npm → node → …) if it is still
 * alive `KILL_AFTER_MS` after it was asked to stop — the language client's rule, kept.
 */
export function terminateIfAlive(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  const timer = setTimeout(() => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    terminateTree(pid);
  }, KILL_AFTER_MS);
  timer.unref();
}

function terminateTree(pid: number): void {
  try {
    if (process.platform === 'win32') {
      execFileSync('taskkill', ['/T', '/F', '/PID', String(pid)], { stdio: ['pipe', 'pipe', 'ignore'] });
      return;
    }
    // Children first (depth first), then the process itself.
    const script = `tree() { for c in $(pgrep -P "$1"); do tree "$c"; done; kill -9 "$1" > /dev/null 2>&1; }; tree ${pid}`;
    const result = spawnSync('/bin/sh', ['-c', script], { stdio: 'ignore' });
    if (result.error) process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already, or not ours to kill.
  }
}
