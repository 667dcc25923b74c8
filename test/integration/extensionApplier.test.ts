import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GeneratedFile } from '../../server/src/context/types';
import type { AppliedFileView, ApplyFilesParams } from '../../server/src/protocol';
import { extensionApplier, type ApplyFilesSender } from '../../server/src/service/extensionApplier';
import { MemoryLedger, createWriterWorkspace, sha, type WriterWorkspace } from '../helpers/writerFixtures';

const generated = (filePath: string, content: string): GeneratedFile => ({
  path: filePath,
  content,
  sha256: sha(content),
  bytes: Buffer.byteLength(content),
});

/** An editor that writes what it is sent, optionally changing it (format on save) or only claiming to. */
function editor(root: string, behaviour: 'write' | 'claim' | 'format' = 'write') {
  const requests: ApplyFilesParams[] = [];
  const send: ApplyFilesSender = async (params) => {
    requests.push(params);
    const files: AppliedFileView[] = [];
    for (const file of params.files) {
      if (file.decision === 'unchanged') {
        files.push({ path: file.path, action: 'unchanged' });
        continue;
      }
      if (behaviour !== 'claim') {
        const target = path.join(root, file.path);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, behaviour === 'format' ? `${file.content.trimEnd()}\n\n` : file.content);
      }
      files.push({ path: file.path, action: file.decision === 'create' ? 'created' : 'updated' });
    }
    return { files };
  };
  return { send, requests };
}

describe('the backend side of writing through the editor (extensionApplier)', () => {
  let workspace: WriterWorkspace;
  let ledger: MemoryLedger;
  const titles = new Map([['ui', 'React UI']]);

  beforeEach(async () => {
    workspace = await createWriterWorkspace();
    ledger = new MemoryLedger();
  });

  afterEach(async () => {
    await fs.rm(workspace.base, { recursive: true, force: true });
  });

  it('sends the reviewed files with the task title, and records what the editor wrote', async () => {
    const { send, requests } = editor(workspace.root);
    const applier = extensionApplier(workspace.root, 'chain-1', titles, { ledger: () => ledger }, send);
    const result = await applier.apply('ui', [generated('web/App.jsx', 'export const App = 1;\n')]);
    assert.equal(result.ok, true);
    assert.deepEqual(
      requests[0]?.files.map((file) => [file.path, file.decision]),
      [['web/App.jsx', 'create']],
    );
    assert.equal(requests[0]?.taskTitle, 'React UI');
    assert.equal(ledger.records.get('web/App.jsx'), sha('export const App = 1;\n'));
  });

  it('fails the task when the editor reports a file written that is not on disk', async () => {
    const { send } = editor(workspace.root, 'claim');
    const applier = extensionApplier(workspace.root, 'chain-1', titles, { ledger: () => ledger }, send);
    const result = await applier.apply('ui', [generated('web/App.jsx', 'export const App = 1;\n')]);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /reported created but the file is not on disk/);
    assert.deepEqual(
      result.outcomes.map((outcome) => `${outcome.path}:${outcome.action}`),
      ['web/App.jsx:refused'],
    );
    assert.equal(ledger.records.size, 0, 'nothing claimed in the ledger');
  });

  it('records the content on disk when the editor changed it on save, so a rerun sees no conflict', async () => {
    const { send, requests } = editor(workspace.root, 'format');
    const applier = extensionApplier(workspace.root, 'chain-1', titles, { ledger: () => ledger }, send);
    await applier.apply('ui', [generated('web/App.jsx', 'export const App = 1;')]);
    assert.equal(ledger.records.get('web/App.jsx'), sha('export const App = 1;\n\n'));
    // The same task delivered again (at least once): Takoss's own file, so an update, not a conflict.
    await applier.apply('ui', [generated('web/App.jsx', 'export const App = 1;')]);
    assert.equal(requests[1]?.files[0]?.decision, 'update');
    assert.equal(requests[1]?.files[0]?.conflict, undefined);
  });

  it('marks a user\u2019s existing file as a conflict and a protected path as protected', async () => {
    await fs.writeFile(path.join(workspace.root, 'README.md'), '# Mine\n');
    const { send, requests } = editor(workspace.root);
    const applier = extensionApplier(workspace.root, 'chain-1', titles, { ledger: () => ledger }, send);
    await applier.apply('ui', [generated('README.md', '# Theirs\n'), generated('.vscode/settings.json', '{}\n')]);
    const [readme, settings] = requests[0]?.files ?? [];
    assert.match(readme?.conflict ?? '', /README\.md/);
    assert.match(settings?.protection ?? '', /\.vscode/);
  });

  it('refuses a path outside the workspace before the editor is asked', async () => {
    const { send, requests } = editor(workspace.root);
    const applier = extensionApplier(workspace.root, 'chain-1', titles, { ledger: () => ledger }, send);
    const result = await applier.apply('ui', [generated('../outside/x.js', 'x\n')]);
    assert.equal(result.ok, false);
    assert.equal(requests.length, 0);
    assert.deepEqual(await fs.readdir(workspace.outside), []);
  });
});
