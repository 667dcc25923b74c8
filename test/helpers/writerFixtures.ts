/** The guarded writer's test fixtures: a real temp workspace, an outside folder, and a ledger in memory. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileOutcome, WriteLedger } from '../../server/src/workspace';

/** What the engine will store per chain; here, in memory. */
export class MemoryLedger implements WriteLedger {
  readonly records = new Map<string, string>();
  readonly sets: string[] = [];

  get(filePath: string): Promise<string | undefined> {
    return Promise.resolve(this.records.get(filePath));
  }

  set(filePath: string, sha256: string): Promise<void> {
    this.records.set(filePath, sha256);
    this.sets.push(filePath);
    return Promise.resolve();
  }
}

export const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Every entry under `dir`, relative, without following symlinks. */
export async function listAll(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      found.push(path.relative(dir, full).split(path.sep).join('/'));
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return found.sort();
}

export function actions(outcomes: readonly FileOutcome[]): string[] {
  return outcomes.map((outcome) => `${outcome.path}:${outcome.action}`);
}

export function reasonOf(outcome: FileOutcome | undefined): string {
  assert.ok(outcome && (outcome.action === 'skipped' || outcome.action === 'refused'), 'an outcome with a reason');
  return outcome.reason;
}

export interface WriterWorkspace {
  /** The temp folder holding both. */
  readonly base: string;
  /** The workspace: <base>/app. */
  readonly root: string;
  /** A sibling that must stay untouched: <base>/outside. */
  readonly outside: string;
}

export async function createWriterWorkspace(): Promise<WriterWorkspace> {
  const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'takoss-writer-')));
  const root = path.join(base, 'app');
  const outside = path.join(base, 'outside');
  await fs.mkdir(root);
  await fs.mkdir(outside);
  return { base, root, outside };
}
