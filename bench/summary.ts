/**
 * `npm run bench` ends here: every figure the benchmarks wrote to bench/results.json in one
 * table, and how many meet their goal.
 */
import { formatTable, readResults } from './lib/report';

const results = readResults();
const figures = Object.values(results).flatMap((each) => each.figures);
process.stdout.write(`\nAll benchmarks (${Object.keys(results).join(', ')})\n${formatTable(figures)}\n`);
process.stdout.write(`\n${figures.filter((each) => each.met).length} of ${figures.length} figures meet their goal.\n`);
