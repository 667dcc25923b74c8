/**
 * Caps on everything one chain writes, over all its tasks: each task reserves its files and
 * bytes before they are written — atomically, since tasks apply concurrently, and once per
 * task, so a task applied again after a resume is not counted twice. The totals live in the
 * chain's Redis meta, so they hold across drivers and resumes (a chain rebuilt after Redis lost
 * it starts counting again).
 */
import type { Redis } from 'ioredis';
import { chainKeys } from '../context/keys';
import type { GeneratedFile } from '../context/types';
import { DEFAULT_CHAIN_WRITE_LIMITS, type ChainWriteLimits } from '../workspace/fileReview';

/** KEYS: meta. ARGV: taskId, files, bytes, maxFiles, maxBytes. 'ok', or 'files:<total>' / 'bytes:<total>'. */
const RESERVE_WRITE = `
local meta, field = KEYS[1], 'write:' .. ARGV[1]
if redis.call('HEXISTS', meta, field) == 1 then return 'ok' end
local files = tonumber(redis.call('HGET', meta, 'writtenFiles') or '0') + tonumber(ARGV[2])
local bytes = tonumber(redis.call('HGET', meta, 'writtenBytes') or '0') + tonumber(ARGV[3])
if files > tonumber(ARGV[4]) then return 'files:' .. files end
if bytes > tonumber(ARGV[5]) then return 'bytes:' .. bytes end
redis.call('HSET', meta, field, ARGV[2] .. ' ' .. ARGV[3], 'writtenFiles', files, 'writtenBytes', bytes)
return 'ok'`;

/** KEYS: meta. ARGV: taskId. */
const RELEASE_WRITE = `
local meta, field = KEYS[1], 'write:' .. ARGV[1]
local held = redis.call('HGET', meta, field)
if not held then return 0 end
local files, bytes = string.match(held, '(%d+) (%d+)')
redis.call('HINCRBY', meta, 'writtenFiles', -tonumber(files))
redis.call('HINCRBY', meta, 'writtenBytes', -tonumber(bytes))
redis.call('HDEL', meta, field)
return 1`;

const bytesOf = (files: readonly GeneratedFile[]) =>
  files.reduce((sum, file) => sum + Buffer.byteLength(file.content, 'utf8'), 0);

export class ChainWriteCaps {
  private readonly limits: ChainWriteLimits;

  constructor(
    private readonly redis: Redis,
    private readonly chainId: string,
    limits: Partial<ChainWriteLimits> = {},
  ) {
    this.limits = { ...DEFAULT_CHAIN_WRITE_LIMITS, ...limits };
  }

  /** Reserves the task's files; returns why it may not write them, if it may not. */
  async reserve(taskId: string, files: readonly GeneratedFile[]): Promise<string | undefined> {
    const { maxChainFiles, maxChainBytes } = this.limits;
    const answer = String(
      await this.redis.eval(
        RESERVE_WRITE,
        1,
        chainKeys(this.chainId).meta,
        taskId,
        files.length,
        bytesOf(files),
        maxChainFiles,
        maxChainBytes,
      ),
    );
    const [kind, total] = answer.split(':');
    if (kind === 'files') {
      return `refused: the chain would have written ${total} files, over maxChainFiles ${maxChainFiles}; nothing of this task was written`;
    }
    if (kind === 'bytes') {
      return `refused: the chain would have written ${total} bytes, over maxChainBytes ${maxChainBytes}; nothing of this task was written`;
    }
    return undefined;
  }

  /** Gives a reservation back when the task's files were not written after all. */
  async release(taskId: string): Promise<void> {
    await this.redis.eval(RELEASE_WRITE, 1, chainKeys(this.chainId).meta, taskId);
  }
}
