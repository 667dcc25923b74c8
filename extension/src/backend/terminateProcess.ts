import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** How long a process tree gets to exit after SIGTERM before whatever is left gets SIGKILL. */
export const TERMINATE_GRACE_MS = 500;
const POLL_MS = 25;

/**
 * Ends `child` and everything it started (a verify step's npm → node → …) now: SIGTERM to
 * the whole tree, then SIGKILL to what is still alive `graceMs` later. Resolves once that is
 * done (callers await it, so the extension host cannot exit first); never rejects.
 */
export async function terminateTree(child: ChildProcess, graceMs = TERMINATE_GRACE_MS): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || hasExited(child)) return;
  try {
    if (process.platform === 'win32') {
      await run('taskkill', ['/T', '/F', '/PID', String(pid)]);
      return;
    }
    // The tree is listed before anything dies: an orphan is re-parented and cannot be found from here.
    const tree = [pid, ...(await descendants(pid))];
    for (const each of tree) signal(each, 'SIGTERM');
    const alive = (each: number) => (each === pid ? !hasExited(child) : isAlive(each));
    const deadline = Date.now() + graceMs;
    while (tree.some(alive) && Date.now() < deadline) await sleep(POLL_MS);
    const left = tree.filter(alive);
    // Whatever the survivors started meanwhile goes too.
    for (const each of [...left]) left.push(...(await descendants(each)));
    for (const each of left) signal(each, 'SIGKILL');
  } catch {
    // Gone already, or not ours to kill.
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Every process below `pid`, parents before their children. */
async function descendants(pid: number): Promise<number[]> {
  const found: number[] = [];
  const queue = [pid];
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    const children = await childrenOf(parent);
    found.push(...children);
    queue.push(...children);
  }
  return found;
}

/** Set once `pgrep` turned out missing (some minimal images lack procps' pgrep but have ps). */
let pgrepMissing = false;

async function childrenOf(pid: number): Promise<number[]> {
  let listed = pgrepMissing ? undefined : await run('pgrep', ['-P', String(pid)]);
  if (listed === undefined) {
    pgrepMissing = true;
    listed = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]);
  }
  return (listed ?? '')
    .split(/\s+/)
    .filter((field) => /^\d+$/.test(field))
    .map(Number)
    .filter((child) => child !== pid);
}

/** The command's output (also when it exits non-zero, as pgrep does when nothing matches); undefined if it is missing. */
function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { windowsHide: true, timeout: 5000 }, (error, stdout) => {
      resolve(error && (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : stdout);
    });
  });
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Exited meanwhile.
  }
}

/** Running, and not a zombie (an orphan whose exit nobody collected yet: a container's init may never). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    // "pid (command) state …"; the command may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
