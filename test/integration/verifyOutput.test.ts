import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BoundedOutput,
  findInvolvedFiles,
  pathCandidates,
  readInvolvedFiles,
  trimOutput,
  withLocalImports,
} from '../../server/src/verify';
import { createProject } from '../fixtures/verify/projects';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const noise = (count: number, from = 0): string[] =>
  Array.from({ length: count }, (_, index) => `ok ${from + index} - step ${from + index} went fine`);

describe('verify: trimOutput (the excerpt for a repair prompt)', () => {
  it('returns short output whole, without colours, carriage-return progress or trailing blank lines', () => {
    const output = '\u001b[31mred\u001b[0m line\r\nloading 10%\rloading 100%\ndone\n\n\n';
    assert.equal(trimOutput(output), 'red line\nloading 100%\ndone');
  });

  it('keeps the end and the earlier failure lines within the byte budget, marking what it left out', () => {
    const lines = [
      'TAP version 13',
      ...noise(300),
      'not ok 301 - adds two numbers',
      "  location: '/w/test/add.test.js:5:1'",
      '  error: |-',
      '    add(1, 2) should be 3',
      ...noise(300, 302),
      '# fail 1',
    ];
    const excerpt = trimOutput(lines.join('\n'), { maxBytes: 2048 });
    assert.ok(bytes(excerpt) <= 2048, `${bytes(excerpt)} bytes`);
    assert.match(
      excerpt,
      /not ok 301 - adds two numbers\n {2}location: '\/w\/test\/add\.test\.js:5:1'\n {2}error: \|-/,
    );
    assert.ok(excerpt.endsWith('# fail 1'));
    assert.match(excerpt, /^… \d+ lines omitted …\n/);
    assert.match(excerpt, /\n… \d+ lines omitted …\n/);
    assert.doesNotMatch(excerpt, /step 5 went fine/);
  });

  it('is pure: the same output gives the same excerpt', () => {
    const output = [...noise(500), 'AssertionError: boom', ...noise(500, 500)].join('\n');
    assert.equal(trimOutput(output, { maxBytes: 1500 }), trimOutput(output, { maxBytes: 1500 }));
  });

  it('cuts very long lines so one minified line cannot take the whole budget', () => {
    const output = ['Error: bad bundle', 'x'.repeat(50_000), 'end'].join('\n');
    const excerpt = trimOutput(output, { maxBytes: 1024 });
    assert.ok(bytes(excerpt) <= 1024);
    assert.match(excerpt, /x{400} … \[line cut\]\nend$/);
  });

  it('stays within the budget even when almost every line looks like a failure', () => {
    const output = Array.from({ length: 2000 }, (_, index) => `not ok ${index} - ✖ failed ${'é'.repeat(index % 7)}`);
    const excerpt = trimOutput(output.join('\n'), { maxBytes: 4096 });
    assert.ok(bytes(excerpt) <= 4096, `${bytes(excerpt)} bytes`);
    assert.ok(excerpt.endsWith(output[1999] ?? ''));
  });
});

describe('verify: BoundedOutput (what is kept of a step’s output)', () => {
  it('keeps everything while under the bound', () => {
    const output = new BoundedOutput(1000);
    output.append('hello ');
    output.append(Buffer.from('world'));
    assert.equal(output.toString(), 'hello world');
  });

  it('keeps the head and the tail and says how much of the middle it dropped', () => {
    const output = new BoundedOutput(400);
    for (let index = 0; index < 1000; index += 1) output.append(`line ${index}\n`);
    const kept = output.toString();
    assert.ok(kept.startsWith('line 0\nline 1\n'));
    assert.ok(kept.endsWith('line 999\n'));
    const dropped = Number(/… \[(\d+) bytes of output omitted\] …/.exec(kept)?.[1]);
    assert.equal(dropped, output.totalBytes - 400);
    assert.ok(bytes(kept) < 400 + 60);
  });
});

describe('verify: the files a failure mentions', () => {
  let root: string;
  let outside: string;

  before(async () => {
    root = await createProject({
      'src/add.js': '',
      'src/types.ts': '',
      'test/add.test.js': '',
      'node_modules/lib/index.js': '',
      '.env.local': 'SECRET=1',
      'config/.env': 'SECRET=1',
      'certs/server.key': '',
      'certs/server.pem': '',
      'certs/client.p12': '',
      id_rsa: '',
      'keys/id_ed25519.pub': '',
      'src/settings.js': '',
    });
    outside = await fs.mkdtemp(path.join(os.tmpdir(), 'takoss-verify-outside-'));
    await fs.writeFile(path.join(outside, 'secret.js'), '');
    await fs.symlink(path.join(outside, 'secret.js'), path.join(root, 'src', 'escape.js'));
  });

  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  });

  it('finds absolute, file:// and relative paths with line numbers, in order of mention', async () => {
    const output = [
      `  location: '${path.join(root, 'test', 'add.test.js')}:5:1'`,
      `    at add (file://${path.join(root, 'src', 'add.js')}:1:22)`,
      'src/types.ts(3,5): error TS2322: Type string is not assignable to type number.',
      'see ./src/add.js:1 again',
    ].join('\n');
    assert.deepEqual(await findInvolvedFiles(output, root), ['test/add.test.js', 'src/add.js', 'src/types.ts']);
  });

  it('never returns paths outside the workspace, through symlinks, in node_modules, or missing', async () => {
    const output = [
      '/etc/passwd',
      `${path.join(outside, 'secret.js')}:1:1`,
      'src/escape.js:2:3',
      '../outside.js',
      `${path.join(root, 'node_modules', 'lib', 'index.js')}:10:5`,
      'src/missing.js:1:1',
      'node:internal/test_runner/test:796:25',
    ].join('\n');
    assert.deepEqual(await findInvolvedFiles(output, root), []);
  });

  it('reads path-like tokens out of ordinary output', () => {
    assert.deepEqual(pathCandidates('Error in src/a.ts:3:5 and file:///w/b.mjs:1:2 (see C:\\w\\c.js)'), [
      'src/a.ts',
      '/w/b.mjs',
      'C:\\w\\c.js',
    ]);
  });

  it('never returns secrets: .env files (the workspace’s protected-path rule) or key material', async () => {
    const output = [
      '.env.local:1',
      'config/.env:2:1',
      `${path.join(root, 'certs', 'server.key')}:1`,
      'certs/server.pem',
      'certs/client.p12',
      './id_rsa',
      'keys/id_ed25519.pub',
      'src/settings.js:4:2',
    ].join('\n');
    assert.deepEqual(await findInvolvedFiles(output, root), ['src/settings.js']);
  });

  it('reads output without separators in linear time (4× the output, not 16× the time)', () => {
    // A ratio measured side by side, not a deadline: a quadratic scan (a backtracking regex
    // on one long token) takes 16× as long for 4× the output, a linear one about 4×.
    const fastest = (output: string): number => {
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        assert.deepEqual(pathCandidates(output), []);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    for (const unit of ['a', 'a/', 'a.', 'x ']) {
      const small = unit.repeat(250_000 / unit.length);
      const large = unit.repeat(1_000_000 / unit.length);
      const ratio = fastest(large) / Math.max(fastest(small), 0.5);
      assert.ok(ratio < 10, `${ratio.toFixed(1)}× the time for 4× the output of "${unit}"`);
    }
  });

  it('finds a path at the end of a sentence or after a key=', () => {
    assert.deepEqual(pathCandidates('see src/a.ts. Then file=lib/b.js, and C:/w/c.ts:1:2!'), [
      'src/a.ts',
      'lib/b.js',
      'C:/w/c.ts',
    ]);
  });
});

describe('verify: the files a repair is shown', () => {
  let root: string;

  before(async () => {
    root = await createProject({
      'test/sum.test.js': "const { sum } = require('../src/sum');\nimport { fmt } from './helpers/fmt.js';\n",
      'test/helpers/fmt.js': 'export const fmt = String;\n',
      'src/sum.js': "const { secret } = require('../.env');\nexports.sum = (a, b) => a + b;\n",
      'src/index.ts': "export * from './sum';\n",
      '.env': 'API_KEY=do-not-show\n',
      'big.js': 'x'.repeat(100 * 1024),
    });
  });

  after(() => fs.rm(root, { recursive: true, force: true }));

  it('adds what the failing files import by relative path (resolving extensions), one level deep', async () => {
    assert.deepEqual(await withLocalImports(root, ['test/sum.test.js']), [
      'test/sum.test.js',
      'src/sum.js',
      'test/helpers/fmt.js',
    ]);
    // src/sum.js imports .env, which is never included.
    assert.deepEqual(await withLocalImports(root, ['src/sum.js']), ['src/sum.js']);
  });

  it('reads them with their contents, bounded, and never a secret or a file outside', async () => {
    const files = await readInvolvedFiles(root, ['src/sum.js', '.env', '../outside.js', 'big.js', 'src/sum.js']);
    assert.deepEqual(
      files.map((file) => file.path),
      ['src/sum.js', 'big.js'],
    );
    assert.match(files[0]!.content, /exports\.sum/);
    assert.match(files[1]!.content, /too large to include/);
  });
});
