/**
 * Runs one task's conversation with Claude: stream a turn, answer every `write_file` call
 * with a `tool_result`, and loop until `end_turn` (a bounded number of turns). A file cut
 * off by `max_tokens` is never kept: the model is told and asked to write it again. Paths
 * are checked here, before anything reaches a disk: a task that tries to write outside the
 * project fails for good.
 */
import { createHash } from 'node:crypto';
import type {
  ContentBlockParam,
  Message,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
  ToolUseBlock,
} from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import { TakossError } from '../errors';
import type { GeneratedFile } from '../context/types';
import type { ClaudeClient } from '../llm/claudeClient';
import { WRITE_FILE, writeFileTool } from '../llm/tools';
import { ZERO_USAGE, addUsage, usageFromApi, type Usage } from '../llm/usage';
import { validateProposedPath } from '../workspace/pathPolicy';

/** A task output that can never be accepted; retrying would not help. */
export class TaskOutputError extends TakossError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'TaskOutputError';
  }
}

export interface TaskRunLimits {
  /** @defaultValue 12 */
  readonly maxTurns: number;
  /** @defaultValue 200 */
  readonly maxFiles: number;
  /** Total bytes a task may write. @defaultValue 8 MiB */
  readonly maxBytes: number;
  /** Output tokens per turn. @defaultValue 16000 */
  readonly maxTokens: number;
}

export const DEFAULT_RUN_LIMITS: TaskRunLimits = {
  maxTurns: 12,
  maxFiles: 200,
  maxBytes: 8 * 1024 * 1024,
  maxTokens: 16_000,
};

export interface TaskRunInput {
  readonly model: string;
  readonly system: TextBlockParam[];
  readonly messages: MessageParam[];
  readonly signal?: AbortSignal;
  readonly onText?: (delta: string) => void;
  readonly limits?: Partial<TaskRunLimits>;
}

export interface TaskRunOutput {
  readonly files: GeneratedFile[];
  readonly summary: string;
  readonly usage: Usage;
  readonly turns: number;
}

const writeFileInput = z.object({ path: z.string(), content: z.string() });

export function toGeneratedFile(path: string, content: string): GeneratedFile {
  return {
    path,
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
    bytes: Buffer.byteLength(content),
  };
}

export async function runTask(claude: ClaudeClient, input: TaskRunInput): Promise<TaskRunOutput> {
  const limits = { ...DEFAULT_RUN_LIMITS, ...input.limits };
  const messages = [...input.messages];
  const files = new Map<string, GeneratedFile>();
  /** Files cut off by max_tokens and not yet written again in full. */
  const unfinished = new Set<string>();
  let usage = ZERO_USAGE;

  for (let turn = 1; turn <= limits.maxTurns; turn++) {
    const message = await claude.stream(
      { model: input.model, max_tokens: limits.maxTokens, system: input.system, tools: [writeFileTool], messages },
      { ...(input.signal ? { signal: input.signal } : {}), ...(input.onText ? { onText: input.onText } : {}) },
    );
    usage = addUsage(usage, usageFromApi(input.model, message.usage));

    if (message.stop_reason === 'refusal') {
      throw new TaskOutputError('Claude declined this task (stop_reason "refusal"); rephrase the request or the task.');
    }
    const cutOff = message.stop_reason === 'max_tokens';
    const content = cutOff ? dropIncompleteTail(message) : message.content;
    const calls = content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
    const accepted = calls.map((call) => acceptWrite(call, files, limits));
    const results = accepted.map((each) => each.result);
    for (const { path } of accepted) if (path) unfinished.delete(path);
    const cutPath = cutOff ? pathOfCutCall(message) : undefined;
    if (cutPath) unfinished.add(cutPath);

    if (!cutOff && message.stop_reason !== 'tool_use') {
      if (unfinished.size > 0) {
        throw new TaskOutputError(
          `The output limit cut off ${[...unfinished].join(', ')} and it was never written in full; nothing of it was saved.`,
        );
      }
      const summary = textOf(message) || `Wrote ${files.size} file(s): ${[...files.keys()].join(', ')}.`;
      return { files: [...files.values()], summary, usage, turns: turn };
    }
    const reply: ContentBlockParam[] = [...results];
    if (cutOff) reply.push({ type: 'text', text: cutOffNotice(message) });
    messages.push({ role: 'assistant', content: content.length > 0 ? content : [{ type: 'text', text: '…' }] });
    messages.push({ role: 'user', content: reply });
  }
  throw new TaskOutputError(`The task did not finish within ${limits.maxTurns} turns.`);
}

/** The message without a last block that `max_tokens` cut off (its JSON or text is incomplete). */
function dropIncompleteTail(message: Message): Message['content'] {
  return message.content.slice(0, -1);
}

/** The path of the write_file call that max_tokens cut off, if the cut fell inside one. */
function pathOfCutCall(message: Message): string | undefined {
  const last = message.content[message.content.length - 1];
  const path = last?.type === 'tool_use' ? (last.input as { path?: unknown }).path : undefined;
  if (typeof path !== 'string') return undefined;
  const verdict = validateProposedPath(path);
  return verdict.ok ? verdict.path : undefined;
}

function cutOffNotice(message: Message): string {
  const path = pathOfCutCall(message);
  const what = path ? `while writing ${path}; that file was NOT saved` : 'mid-answer';
  return (
    `Your answer was cut off by the output limit ${what}. Write any unfinished file again with ` +
    `${WRITE_FILE}, complete; split very long files into smaller modules. Then finish.`
  );
}

/** Checks and keeps one write_file call; returns its tool_result and the path written. */
function acceptWrite(
  call: ToolUseBlock,
  files: Map<string, GeneratedFile>,
  limits: TaskRunLimits,
): { result: ToolResultBlockParam; path?: string } {
  const answer = (text: string, isError = false): { result: ToolResultBlockParam } => ({
    result: { type: 'tool_result', tool_use_id: call.id, content: text, ...(isError ? { is_error: true } : {}) },
  });
  if (call.name !== WRITE_FILE) return answer(`Unknown tool "${call.name}"; only ${WRITE_FILE} exists.`, true);
  const parsed = writeFileInput.safeParse(call.input);
  if (!parsed.success) return answer(`${WRITE_FILE} needs {"path": string, "content": string}.`, true);
  const verdict = validateProposedPath(parsed.data.path);
  if (!verdict.ok) throw new TaskOutputError(`The task tried to write a refused path: ${verdict.reason}`);
  const file = toGeneratedFile(verdict.path, parsed.data.content);
  files.set(file.path, file);
  const total = [...files.values()].reduce((sum, each) => sum + each.bytes, 0);
  if (files.size > limits.maxFiles) {
    throw new TaskOutputError(`The task wrote more than ${limits.maxFiles} files; split it into smaller tasks.`);
  }
  if (total > limits.maxBytes) {
    throw new TaskOutputError(`The task wrote more than ${limits.maxBytes} bytes; split it into smaller tasks.`);
  }
  return { ...answer(`Saved ${file.path} (${file.bytes} bytes).`), path: file.path };
}

function textOf(message: Message): string {
  return message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n')
    .trim();
}
