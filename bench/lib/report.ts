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

/** The figures as a Markdown table. */
export function formatTable(figures: readonly Figure[]): string {
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
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export interface BenchmarkResults {
  readonly at: string;
  readonly machine: Record<string, string | number>;
  readonly figures: readonly Figure[];
}

/** Everything the benchmarks have written to bench/results.json so far, by benchmark. */
export function readResults(): Record<string, BenchmarkResults> {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, BenchmarkResults>) : {};
}

/**
 * Prints one benchmark's table and puts its figures into bench/results.json: they replace
 * the benchmark's earlier ones, or, for a run in part (`bench:engine makespan`), only those
 * of the same name.
 */
export function report(
  benchmark: string,
  figures: readonly Figure[],
  machine: Record<string, string | number>,
  partial = false,
): void {
  process.stdout.write(`\n${benchmark}\n${formatTable(figures)}\n`);
  const previous = readResults();
  const kept = partial
    ? (previous[benchmark]?.figures ?? []).filter((old) => !figures.some((each) => each.figure === old.figure))
    : [];
  const results: Record<string, BenchmarkResults> = {
    ...previous,
    [benchmark]: { at: new Date().toISOString(), machine, figures: [...kept, ...figures] },
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
}
