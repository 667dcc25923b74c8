/** The benchmark table on stdout, and bench/results.json (each benchmark adds its rows). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Figure {
  readonly figure: string;
  readonly baseline: string;
  readonly takoss: string;
  /** Takoss ÷ baseline (or the measured value, when the goal is absolute). */
  readonly ratio: number;
  readonly goal: string;
  readonly met: boolean;
  readonly detail?: Record<string, number | string>;
}

const RESULTS = path.join(__dirname, '..', 'results.json');

export function report(benchmark: string, figures: readonly Figure[], machine: Record<string, string | number>): void {
  const rows = figures.map((each) => [
    each.figure,
    each.baseline,
    each.takoss,
    each.ratio.toFixed(3),
    each.goal,
    each.met ? 'yes' : 'NO',
  ]);
  const header = ['figure', 'baseline (same run)', 'Takoss', 'ratio', 'goal', 'met?'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  process.stdout.write(
    `\n${benchmark}\n${line(header)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n`,
  );
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ ...previous, [benchmark]: { at: new Date().toISOString(), machine, figures } }, null, 2)}\n`,
  );
}
