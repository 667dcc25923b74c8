/**
 * A step's output, kept bounded while it runs (head and tail, the middle dropped), and the short
 * excerpt of it a repair prompt gets: the end, plus the failure lines from earlier on.
 */

export const DEFAULT_MAX_OUTPUT_BYTES = 200 * 1024;
export const DEFAULT_EXCERPT_BYTES = 8 * 1024;

/**
 * Collects stdout and stderr in arrival order without ever holding more than `maxBytes`: the
 * first quarter is kept (how the step started), then the most recent output (where it failed).
 */
export class BoundedOutput {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(maxBytes = DEFAULT_MAX_OUTPUT_BYTES) {
    this.headLimit = Math.floor(maxBytes / 4);
    this.tailLimit = maxBytes - this.headLimit;
  }

  append(chunk: Buffer | string): void {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.headBytes < this.headLimit) {
      const taken = data.subarray(0, this.headLimit - this.headBytes);
      this.head.push(taken);
      this.headBytes += taken.length;
      data = data.subarray(taken.length);
    }
    if (data.length === 0) return;
    this.tail.push(data);
    this.tailBytes += data.length;
    while (this.tailBytes > this.tailLimit) {
      const first = this.tail[0];
      if (first === undefined) break;
      const excess = this.tailBytes - this.tailLimit;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        this.dropped += excess;
      }
    }
  }

  /** Bytes seen in total, kept or not. */
  get totalBytes(): number {
    return this.headBytes + this.tailBytes + this.dropped;
  }

  toString(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    if (this.dropped === 0) return head + tail;
    return `${head}\n… [${this.dropped} bytes of output omitted] …\n${tail}`;
  }
}

export interface TrimOptions {
  /** Upper bound of the excerpt in UTF-8 bytes. @defaultValue 8 KiB */
  readonly maxBytes?: number;
  /** How many of the last lines to keep when they fit in half the budget. @defaultValue 80 */
  readonly tailLines?: number;
  /** Longer lines are cut (minified code, base64) so one line cannot eat the budget. @defaultValue 400 */
  readonly maxLineLength?: number;
}

// Lines that say what failed and where, in the common runners' words: node --test (TAP and
// spec), mocha, jest, vitest, tsc, npm itself.
const FAILURE_MARKER =
  /\bnot ok\b|✖|✗|×|\bFAIL(ED)?\b|\bfailing\b|Error\b|\bERR!|AssertionError|\bexpected\b|\bactual\b|^\s*(location|operator):|^\s*\d+\) /i;
const CONTEXT_AFTER_MARKER = 2;
// Colours and cursor moves: noise for a model, and they split words the markers look for.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The output as plain lines: no ANSI codes, progress bars collapsed to their last state. */
export function cleanLines(output: string): string[] {
  const lines = output
    .replace(ANSI_ESCAPE, '')
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1).trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A short excerpt of `output` for a repair prompt, at most `maxBytes`: all of it when it fits,
 * otherwise the last lines plus earlier failure lines (with a little context), in their order,
 * with `… N lines omitted …` where lines were left out. Pure: same input, same excerpt.
 */
export function trimOutput(output: string, options: TrimOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_EXCERPT_BYTES;
  const tailLines = options.tailLines ?? 80;
  const maxLineLength = options.maxLineLength ?? 400;
  const lines = cleanLines(output).map((line) =>
    line.length > maxLineLength ? `${line.slice(0, maxLineLength)} … [line cut]` : line,
  );
  const whole = lines.join('\n');
  if (bytes(whole) <= maxBytes) return whole;

  // Room for the omission notes, so the assembled excerpt stays under maxBytes.
  const budget = maxBytes - 64;
  const keep = new Set<number>();
  let used = 0;
  const take = (index: number): boolean => {
    const line = lines[index];
    if (line === undefined || keep.has(index)) return true;
    const cost = bytes(line) + 1 + 40; // a possible omission note next to it
    if (used + cost > budget) return false;
    keep.add(index);
    used += bytes(line) + 1;
    return true;
  };

  // The end: where the runner summarises and the process gave up.
  let tailStart = lines.length;
  while (tailStart > 0 && lines.length - tailStart < tailLines) {
    const line = lines[tailStart - 1] ?? '';
    if (used + bytes(line) + 1 > budget / 2) break;
    tailStart -= 1;
    take(tailStart);
  }
  // Then failure lines from before the tail, first ones first: the first failure is usually the cause.
  outer: for (let index = 0; index < tailStart; index += 1) {
    if (!FAILURE_MARKER.test(lines[index] ?? '')) continue;
    for (let context = index; context <= Math.min(index + CONTEXT_AFTER_MARKER, tailStart - 1); context += 1) {
      if (!take(context)) break outer;
    }
  }

  const parts: string[] = [];
  let omitted = 0;
  lines.forEach((line, index) => {
    if (!keep.has(index)) {
      omitted += 1;
      return;
    }
    if (omitted > 0) parts.push(`… ${omitted} line${omitted === 1 ? '' : 's'} omitted …`);
    omitted = 0;
    parts.push(line);
  });
  if (omitted > 0) parts.push(`… ${omitted} line${omitted === 1 ? '' : 's'} omitted …`);
  const excerpt = parts.join('\n');
  // A last guard for pathological inputs (hundreds of omission notes): keep the end.
  return bytes(excerpt) <= maxBytes ? excerpt : cutToLastBytes(excerpt, maxBytes);
}

function cutToLastBytes(text: string, maxBytes: number): string {
  const note = '… [cut] …\n';
  const buffer = Buffer.from(text, 'utf8');
  const kept = buffer.subarray(buffer.length - (maxBytes - bytes(note))).toString('utf8');
  // A multi-byte character split at the cut decodes to U+FFFD; drop it rather than show it.
  return note + kept.replace(/^\uFFFD+/, '');
}
