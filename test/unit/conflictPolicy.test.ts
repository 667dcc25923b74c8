import assert from 'node:assert/strict';
import path from 'node:path';
import type { ProposedFile } from '../../server/src/protocol';
import {
  applyAnswer,
  checkWorkspace,
  isWithin,
  planFile,
  resolveInside,
  type FilePlan,
} from '../../extension/src/workspace/conflictPolicy';

const FOLDER = path.resolve('/work/project');
const clean = { dirty: false, exists: false };
const dirty = { dirty: true, exists: true };

const proposed = (filePath: string, extra: Partial<ProposedFile> = {}): ProposedFile => ({
  path: filePath,
  content: 'export {};\n',
  sha256: 'a'.repeat(64),
  decision: 'create',
  ...extra,
});

type AskPlan = Extract<FilePlan, { kind: 'ask' }>;

function asked(plan: FilePlan): AskPlan {
  assert.equal(plan.kind, 'ask', `expected an ask, got ${JSON.stringify(plan)}`);
  return plan;
}

function refusal(plan: FilePlan): string {
  assert.equal(plan.kind, 'refused', `expected a refusal, got ${JSON.stringify(plan)}`);
  return plan.kind === 'refused' ? plan.reason : '';
}

describe('conflict policy', () => {
  describe('checkWorkspace', () => {
    it('refuses an untrusted workspace before anything else', () => {
      const verdict = checkWorkspace({ workspace: FOLDER }, [FOLDER], false);
      assert.deepEqual(verdict, {
        ok: false,
        reason: 'the workspace is not trusted, so Takoss does not write to it',
      });
    });

    it('refuses a folder that is not open in the window, naming it', () => {
      const elsewhere = path.resolve('/work/elsewhere');
      const verdict = checkWorkspace({ workspace: elsewhere }, [FOLDER], true);
      assert.deepEqual(verdict, { ok: false, reason: `"${elsewhere}" is not a folder open in this window` });
      assert.equal(checkWorkspace({ workspace: FOLDER }, [], true).ok, false);
    });

    it('refuses a parent or a child of an open folder', () => {
      assert.equal(checkWorkspace({ workspace: path.dirname(FOLDER) }, [FOLDER], true).ok, false);
      assert.equal(checkWorkspace({ workspace: path.join(FOLDER, 'src') }, [FOLDER], true).ok, false);
    });

    it('accepts an open folder among several and gives its normalized path', () => {
      const other = path.resolve('/work/other');
      assert.deepEqual(checkWorkspace({ workspace: FOLDER }, [other, FOLDER], true), { ok: true, folder: FOLDER });
      assert.deepEqual(checkWorkspace({ workspace: `${FOLDER}${path.sep}` }, [other, FOLDER], true), {
        ok: true,
        folder: FOLDER,
      });
      assert.deepEqual(checkWorkspace({ workspace: path.join(FOLDER, 'src', '..') }, [FOLDER], true), {
        ok: true,
        folder: FOLDER,
      });
      assert.deepEqual(checkWorkspace({ workspace: FOLDER }, [`${FOLDER}${path.sep}`], true), {
        ok: true,
        folder: FOLDER,
      });
    });
  });

  describe('planFile', () => {
    it('leaves an unchanged file alone', () => {
      const file = proposed('src/index.ts', { decision: 'unchanged' });
      assert.deepEqual(planFile(file, false, clean), { kind: 'unchanged', file });
    });

    it('writes a new file without conflict, and an update without conflict', () => {
      const created = proposed('src/index.ts');
      assert.deepEqual(planFile(created, false, clean), { kind: 'write', file: created });
      const updated = proposed('src/index.ts', { decision: 'update' });
      assert.deepEqual(planFile(updated, false, clean), { kind: 'write', file: updated });
    });

    it('asks about a file that appeared since the backend decided to create it, even after accept-all', () => {
      const file = proposed('src/index.ts');
      for (const acceptsAll of [false, true]) {
        assert.deepEqual(planFile(file, acceptsAll, { dirty: false, exists: true }), {
          kind: 'ask',
          file,
          why: 'src/index.ts appeared after Takoss looked',
          acceptAllAllowed: false,
        });
      }
    });

    it('asks about a conflict and offers accept-all for it', () => {
      const file = proposed('src/index.ts', {
        decision: 'update',
        conflict: 'you edited this file after Takoss wrote it',
      });
      assert.deepEqual(planFile(file, false, clean), {
        kind: 'ask',
        file,
        why: 'you edited this file after Takoss wrote it',
        acceptAllAllowed: true,
      });
    });

    it('writes a conflicting file without asking once the user accepted all for the chain', () => {
      const file = proposed('src/index.ts', { decision: 'update', conflict: 'a file of yours' });
      assert.deepEqual(planFile(file, true, clean), { kind: 'write', file });
    });

    it('asks about a path the backend marked protected, never offering accept-all', () => {
      const file = proposed('package.json', { decision: 'update', protection: 'package.json scripts run commands' });
      for (const acceptsAll of [false, true]) {
        const plan = asked(planFile(file, acceptsAll, clean));
        assert.equal(plan.why, 'package.json scripts run commands');
        assert.equal(plan.acceptAllAllowed, false);
      }
    });

    it('detects protected paths itself when the backend did not mark them, even with accept-all', () => {
      for (const [filePath, why] of [
        ['.vscode/settings.json', /\.vscode/],
        ['.env', /\.env/],
        ['config/.env.local', /\.env/],
        ['.github/workflows/ci.yml', /\.github\/workflows/],
        ['.npmrc', /\.npmrc/],
        ['.husky/pre-commit', /\.husky/],
      ] as const) {
        for (const acceptsAll of [false, true]) {
          const plan = asked(planFile(proposed(filePath), acceptsAll, clean));
          assert.match(plan.why, why, filePath);
          assert.match(plan.why, /is protected/, filePath);
          assert.equal(plan.acceptAllAllowed, false, filePath);
        }
      }
    });

    it('asks about a protected path that is also a conflict, with the protection as the reason', () => {
      const file = proposed('.vscode/tasks.json', { decision: 'update', conflict: 'a file of yours' });
      const plan = asked(planFile(file, true, clean));
      assert.match(plan.why, /\.vscode/);
      assert.equal(plan.acceptAllAllowed, false);
    });

    it('writes ordinary dotfiles and an example env file without asking', () => {
      for (const filePath of ['.gitignore', '.env.example', '.github/dependabot.yml', 'src/.eslintrc.json']) {
        assert.equal(planFile(proposed(filePath), false, clean).kind, 'write', filePath);
      }
    });

    it('refuses anything inside .git, whatever the answer could be', () => {
      for (const filePath of ['.git/config', '.git/hooks/pre-commit', 'sub/.GIT/config']) {
        for (const acceptsAll of [false, true]) {
          assert.match(refusal(planFile(proposed(filePath), acceptsAll, clean)), /never writable/, filePath);
        }
      }
    });

    it('refuses absolute paths and paths with ..', () => {
      assert.match(refusal(planFile(proposed('/etc/passwd'), true, clean)), /is absolute/);
      assert.match(refusal(planFile(proposed('C:/x.txt'), true, clean)), /is absolute/);
      assert.match(refusal(planFile(proposed('../outside.ts'), true, clean)), /leaves the workspace/);
      assert.match(refusal(planFile(proposed('src/../../x.ts'), true, clean)), /leaves the workspace/);
      assert.match(refusal(planFile(proposed('src\\x.ts'), true, clean)), /backslash/);
    });

    it('refuses a path that is not normalized, naming the normal form', () => {
      const plan = planFile(proposed('./src//index.ts'), false, clean);
      assert.deepEqual(plan, {
        kind: 'refused',
        path: './src//index.ts',
        reason: 'path "./src//index.ts" is not normalized (expected "src/index.ts")',
      });
    });

    it('refuses even an unchanged file whose path is bad', () => {
      assert.equal(planFile(proposed('../x.ts', { decision: 'unchanged' }), false, clean).kind, 'refused');
    });

    it('asks about a file with unsaved edits, never offering accept-all', () => {
      for (const file of [
        proposed('src/index.ts', { decision: 'update' }),
        proposed('src/index.ts', { decision: 'update', conflict: 'a file of yours' }),
      ]) {
        const plan = asked(planFile(file, true, dirty));
        assert.equal(plan.why, 'src/index.ts has unsaved changes in an editor');
        assert.equal(plan.acceptAllAllowed, false);
      }
    });
  });

  describe('applyAnswer', () => {
    const conflict = asked(planFile(proposed('src/a.ts', { conflict: 'a file of yours' }), false, clean));
    const protectedPlan = asked(planFile(proposed('.vscode/settings.json'), false, clean));

    it('writes an accepted file', () => {
      assert.deepEqual(applyAnswer(conflict, 'accept'), { kind: 'write', file: conflict.file });
      assert.deepEqual(applyAnswer(protectedPlan, 'accept'), { kind: 'write', file: protectedPlan.file });
    });

    it('skips a file the user skipped or dismissed', () => {
      const skipped = { kind: 'refused', path: 'src/a.ts', reason: 'skipped' };
      assert.deepEqual(applyAnswer(conflict, 'skip'), skipped);
      assert.deepEqual(applyAnswer(conflict, undefined), skipped);
    });

    it('honours accept-all only where it was offered', () => {
      assert.deepEqual(applyAnswer(conflict, 'acceptAll'), { kind: 'write', file: conflict.file });
      assert.deepEqual(applyAnswer(protectedPlan, 'acceptAll'), {
        kind: 'refused',
        path: '.vscode/settings.json',
        reason: 'skipped',
      });
    });
  });

  describe('resolveInside', () => {
    it('resolves a relative path below the folder', () => {
      assert.equal(resolveInside(FOLDER, 'src/index.ts'), path.join(FOLDER, 'src', 'index.ts'));
      assert.equal(resolveInside(FOLDER, '..hidden/x'), path.join(FOLDER, '..hidden', 'x'));
    });

    it('refuses a path that leaves the folder', () => {
      assert.equal(resolveInside(FOLDER, '../outside.ts'), undefined);
      assert.equal(resolveInside(FOLDER, 'src/../../outside.ts'), undefined);
      assert.equal(resolveInside(FOLDER, '../project-evil/x.ts'), undefined);
    });

    it('refuses the folder itself', () => {
      assert.equal(resolveInside(FOLDER, ''), undefined);
      assert.equal(resolveInside(FOLDER, '.'), undefined);
      assert.equal(resolveInside(FOLDER, 'src/..'), undefined);
    });
  });

  describe('isWithin', () => {
    it('accepts the folder itself and anything below it', () => {
      assert.equal(isWithin(FOLDER, FOLDER), true);
      assert.equal(isWithin(FOLDER, path.join(FOLDER, 'src', 'a.ts')), true);
      assert.equal(isWithin(FOLDER, path.join(FOLDER, '..data')), true);
    });

    it('refuses the parent, a sibling with the same prefix, and escapes', () => {
      assert.equal(isWithin(FOLDER, path.dirname(FOLDER)), false);
      assert.equal(isWithin(FOLDER, `${FOLDER}-evil`), false);
      assert.equal(isWithin(FOLDER, path.join(FOLDER, '..', 'other', 'x.ts')), false);
      assert.equal(isWithin(FOLDER, path.resolve('/etc/passwd')), false);
    });
  });
});
