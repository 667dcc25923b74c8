/**
 * Atomic, durable file replacement for the guarded writer: the file is either its old
 * content or its new content, never a torn one, even if the process dies mid-write.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { TakossError } from '../errors';
import { assertRealFolder } from './workspaceGuard';

// Undefined on Windows; the target is a fresh random name there anyway.
const O_NOFOLLOW: number = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;

/**
 * Writes `data` to `absolutePath` atomically: a temp file in the same folder, fsync, rename.
 * The folder must exist and be real; it is checked again right before the rename. On any
 * error the temp file is removed and the target keeps its old content.
 */
export async function writeFileAtomic(
  realRoot: string,
  absolutePath: string,
  data: Uint8Array,
  mode: number,
): Promise<void> {
  const dir = path.dirname(absolutePath);
  await removeAbandonedTemps(dir, path.basename(absolutePath));
  const temp = path.join(dir, tempName(path.basename(absolutePath)));
  let handle: FileHandle | undefined;
  let renamed = false;
  try {
    // O_EXCL + O_NOFOLLOW: never reuse or follow something planted under the temp name.
    handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await assertRealFolder(realRoot, dir);
    const existing = await fs.lstat(absolutePath).catch(() => undefined);
    if (existing !== undefined && !existing.isFile()) {
      throw new TakossError('failed', `"${path.basename(absolutePath)}" is no longer a regular file`);
    }
    await fs.rename(temp, absolutePath);
    renamed = true;
  } finally {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    if (!renamed) await fs.rm(temp, { force: true }).catch(() => undefined);
  }
  await syncFolder(dir);
}

function tempName(name: string): string {
  const random = randomBytes(8).toString('hex');
  // Keeps the temp name within NAME_MAX (255 bytes) whatever the target's length.
  return Buffer.byteLength(name, 'utf8') > 200 ? `.takoss-${random}.tmp` : `.${name}.takoss-${random}.tmp`;
}

/** A temp file this old was left by a writer that died; a live writer's is seconds old at most. */
const ABANDONED_AFTER_MS = 10 * 60_000;

/**
 * Removes temp files of earlier writes of the same file whose writer died between creating
 * them and the rename (a kill, a crash): the next write of the file clears that debris.
 */
async function removeAbandonedTemps(dir: string, name: string): Promise<void> {
  const prefix = `.${name}.takoss-`;
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const now = Date.now();
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !/^[0-9a-f]{16}\.tmp$/.test(entry.slice(prefix.length))) continue;
    const temp = path.join(dir, entry);
    const stats = await fs.lstat(temp).catch(() => undefined);
    // Only plain files, never through a link, and only old ones.
    if (stats?.isFile() && now - stats.mtimeMs > ABANDONED_AFTER_MS)
      await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

/** Makes the rename itself durable where the platform allows it (not on Windows). */
async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, constants.O_RDONLY).catch(() => undefined);
  // Best effort: the data itself was fsynced before the rename.
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}
