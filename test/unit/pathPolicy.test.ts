import assert from 'node:assert/strict';
import path from 'node:path';
import {
  DEFAULT_PATH_LIMITS,
  displayPath,
  isForbiddenPath,
  isProtectedPath,
  validateProposedPath,
} from '../../server/src/workspace/pathPolicy';
import { isInside } from '../../server/src/workspace/workspaceGuard';

/** The refusal reason for a path that must be refused. */
function refusal(input: unknown, limits?: Parameters<typeof validateProposedPath>[1]): string {
  const verdict = validateProposedPath(input, limits);
  assert.equal(verdict.ok, false, `expected ${JSON.stringify(input)} to be refused`);
  return verdict.ok ? '' : verdict.reason;
}

/** The verdict for a path that must be accepted. */
function accepted(input: string): { path: string; segments: string[]; protection?: { reason: string } } {
  const verdict = validateProposedPath(input);
  assert.ok(verdict.ok, `expected ${JSON.stringify(input)} to be accepted, got: ${verdict.ok ? '' : verdict.reason}`);
  return verdict;
}

describe('pathPolicy', () => {
  describe('good paths', () => {
    it('accepts ordinary relative paths as they are', () => {
      const verdict = accepted('src/App.tsx');
      assert.equal(verdict.path, 'src/App.tsx');
      assert.deepEqual(verdict.segments, ['src', 'App.tsx']);
      assert.equal(verdict.protection, undefined);
      assert.equal(accepted('README.md').path, 'README.md');
      assert.equal(accepted('.gitignore').path, '.gitignore');
      assert.equal(accepted('app/[id]/(group)/@modal/page.tsx').path, 'app/[id]/(group)/@modal/page.tsx');
      assert.equal(accepted('a..b/c...d.ts').path, 'a..b/c...d.ts');
    });

    it('normalizes "." and empty segments away', () => {
      assert.equal(accepted('./src/a.ts').path, 'src/a.ts');
      assert.equal(accepted('src/./a.ts').path, 'src/a.ts');
      assert.equal(accepted('src//a.ts').path, 'src/a.ts');
      assert.deepEqual(accepted('./././x').segments, ['x']);
    });

    it('accepts Unicode names', () => {
      assert.equal(accepted('docs/日本.md').path, 'docs/日本.md');
      assert.equal(accepted('émoji/🚀.txt').path, 'émoji/🚀.txt');
    });

    it('accepts exactly maxDepth segments and a 255-byte segment', () => {
      assert.equal(accepted(Array.from({ length: 32 }, () => 'a').join('/')).segments.length, 32);
      assert.ok(accepted(`${'x'.repeat(255)}`));
    });

    it('does not protect package.json by path alone', () => {
      assert.equal(accepted('package.json').protection, undefined);
      assert.equal(accepted('packages/web/package.json').protection, undefined);
    });
  });

  describe('refusals', () => {
    it('refuses what is not a non-empty string', () => {
      assert.match(refusal(42), /path must be a string, got number/);
      assert.match(refusal(undefined), /got undefined/);
      assert.match(refusal(null), /got null/);
      assert.match(refusal(['a']), /got an array/);
      assert.match(refusal(''), /path "" is empty/);
      assert.match(refusal('   '), /is empty/);
      assert.match(refusal('\t\n'), /path .* is empty/);
    });

    it('refuses ".." anywhere, without normalizing it', () => {
      assert.equal(refusal('../x'), 'path "../x" leaves the workspace (".." is not allowed)');
      assert.match(refusal('a/../../x'), /leaves the workspace/);
      assert.match(refusal('a/../b'), /leaves the workspace/);
      assert.match(refusal('a/..'), /leaves the workspace/);
      assert.match(refusal('..'), /leaves the workspace/);
    });

    it('refuses absolute paths of every platform', () => {
      for (const absolute of [
        '/etc/x',
        '/x',
        '\\x',
        'C:\\x',
        'C:/x',
        'c:x',
        '//server/share',
        '\\\\server\\share',
        '~/x',
        '~',
      ]) {
        assert.match(refusal(absolute), /is absolute/, absolute);
      }
    });

    it('refuses percent-encoded dots and separators, which decode to ".." or "/"', () => {
      for (const path of ['%2e%2e/x', '%2E%2E%2Fetc/passwd', 'a/%2e%2e%5cb', 'docs/%2fetc']) {
        assert.match(refusal(path), /percent-encoded dot or separator; write the character itself/, path);
      }
      assert.deepEqual(validateProposedPath('docs/100%25-done.md'), {
        ok: true,
        path: 'docs/100%25-done.md',
        segments: ['docs', '100%25-done.md'],
      });
    });

    it('refuses backslashes', () => {
      assert.equal(refusal('a\\b'), 'path "a\\b" contains a backslash; separate segments with "/"');
    });

    it('refuses a trailing "/" and other names of a directory', () => {
      assert.match(refusal('src/'), /names a directory/);
      assert.match(refusal('src/.'), /names a directory/);
      assert.match(refusal('.'), /names a directory/);
      assert.match(refusal('./'), /names a directory/);
    });

    it('refuses NUL and C0/C1 control characters, naming the code point', () => {
      assert.match(refusal('a\u0000b'), /NUL character \(U\+0000\)/);
      assert.match(refusal('a\nb'), /control character U\+000A/);
      assert.match(refusal('a\u001Fb'), /U\+001F/);
      assert.match(refusal('a\u007Fb'), /U\+007F/);
      assert.match(refusal('a\u0085b'), /U\+0085/);
      assert.match(refusal('a\u009Fb'), /U\+009F/);
    });

    it('refuses invisible and bidirectional characters anywhere, naming the code point', () => {
      const reason = refusal('\u202Eevil.txt');
      assert.match(reason, /invisible or bidirectional character U\+202E/);
      assert.ok(!reason.includes('\u202E'), 'the reason does not itself carry the bidi character');
      assert.match(reason, /"\\u202Eevil\.txt"/);
      assert.match(refusal('src/a\u200Bb.ts'), /U\+200B/);
      for (const code of [
        0x00ad, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2061,
        0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff,
      ]) {
        const hex = code.toString(16).toUpperCase().padStart(4, '0');
        assert.match(refusal(`a${String.fromCodePoint(code)}b.txt`), new RegExp(`U\\+${hex}`), hex);
      }
      // Ignored by HFS+ like ZWJ, which is how `.g\u200Cit` once reached `.git`.
      assert.match(refusal('.g\u206Ait/config'), /U\+206A/);
      assert.match(refusal('a\u061Cb'), /U\+061C/);
    });

    it('refuses unpaired surrogates (they cannot be encoded as the name that was checked)', () => {
      assert.match(refusal('a\uD800b'), /unpaired surrogate U\+D800/);
    });

    it('refuses paths over 1024 UTF-8 bytes, counting bytes not characters', () => {
      assert.match(refusal(`${'a/'.repeat(10)}${'x'.repeat(1005)}`), /is 1025 bytes, longer than 1024/);
      // 342 three-byte characters in segments of 60: 1026 bytes, under 400 characters.
      const cjk = Array.from({ length: 6 }, () => '日'.repeat(57)).join('/');
      assert.ok(cjk.length < 400);
      assert.match(refusal(cjk), /bytes, longer than 1024/);
    });

    it('refuses a segment over 255 bytes', () => {
      assert.match(refusal(`src/${'x'.repeat(256)}`), /segment of 256 bytes, longer than 255/);
      assert.match(refusal(`${'é'.repeat(128)}`), /segment of 256 bytes/);
    });

    it('refuses more than maxDepth segments, and honours a custom maxDepth', () => {
      const deep = Array.from({ length: 33 }, () => 'a').join('/');
      assert.match(refusal(deep), /is 33 segments deep, over maxDepth 32/);
      assert.match(refusal('a/b/c', { maxDepth: 2 }), /over maxDepth 2/);
      assert.equal(DEFAULT_PATH_LIMITS.maxDepth, 32);
      assert.equal(DEFAULT_PATH_LIMITS.maxPathBytes, 1024);
      assert.equal(DEFAULT_PATH_LIMITS.maxSegmentBytes, 255);
    });

    it('refuses Windows-reserved names, with or without extension, in any case', () => {
      for (const name of [
        'CON',
        'con',
        'CON.txt',
        'prn.md',
        'AUX',
        'nul.tar.gz',
        'COM1',
        'com9.js',
        'LPT1',
        'lpt9.txt',
      ]) {
        assert.match(refusal(`src/${name}`), /reserved device name on Windows/, name);
      }
      assert.match(refusal('COM¹'), /reserved/);
      assert.match(refusal('CON .txt'), /reserved/);
      assert.ok(accepted('console.ts'));
      assert.ok(accepted('COM10.txt'));
      assert.ok(accepted('auxiliary/x.ts'));
    });

    it('refuses segments ending in a dot or a space', () => {
      assert.match(refusal('a/b.'), /ends in a dot or space/);
      assert.match(refusal('a /b'), /ends in a dot or space/);
      assert.match(refusal('...'), /ends in a dot or space/);
    });

    it('refuses characters Windows does not allow, including ":" (alternate data streams)', () => {
      assert.match(refusal('ab:c.txt'), /not allowed in Windows file names/);
      assert.match(refusal('a:b.txt'), /is absolute/, 'drive-relative on Windows');
      assert.match(refusal('x/file::$DATA'), /not allowed in Windows file names/);
      for (const char of ['<', '>', '"', '|', '?', '*']) assert.match(refusal(`a${char}b`), /Windows/, char);
    });

    it('refuses 8.3 short names that can alias another file', () => {
      assert.match(refusal('GIT~1/config'), /8\.3 short name/);
      assert.match(refusal('vscode~1/settings.json'), /8\.3 short name/);
      assert.ok(accepted('backup~/x.txt'));
    });

    it('refuses .git as any segment, in any case: never writable, even with approval', () => {
      for (const gitPath of ['.git/hooks/pre-commit', '.GIT/config', 'sub/.git/config', '.Git', 'a/b/.git/HEAD']) {
        assert.match(refusal(gitPath), /never writable/, gitPath);
      }
      assert.match(refusal('.git./config'), /ends in a dot/);
      assert.ok(isForbiddenPath('x/.GiT/y'));
      assert.equal(isForbiddenPath('.github/CODEOWNERS'), undefined);
      assert.equal(isForbiddenPath('.gitignore'), undefined);
    });

    it('names the path and the rule in every reason', () => {
      assert.equal(
        refusal('a/b.'),
        'path "a/b." has the segment "b.", which ends in a dot or space (Windows drops them, making it another name)',
      );
      assert.match(refusal('/etc/x'), /^path "\/etc\/x" is absolute/);
    });
  });

  describe('protection', () => {
    const protectedPaths = [
      '.vscode/settings.json',
      '.VSCODE/Settings.json',
      'sub/.vscode/tasks.json',
      '.idea/workspace.xml',
      '.devcontainer/devcontainer.json',
      '.env',
      '.env.local',
      '.envrc',
      'config/.env.local',
      '.env/x',
      '.env/.env.example',
      '.env.examples',
      '.github/workflows/ci.yml',
      '.GitHub/Workflows/release.yaml',
      '.github/actions/setup/action.yml',
      '.gitlab-ci.yml',
      '.circleci/config.yml',
      'azure-pipelines.yml',
      'Jenkinsfile',
      'sub/jenkinsfile',
      '.npmrc',
      'packages/a/.npmrc',
      '.yarnrc',
      '.yarnrc.yml',
      '.husky/pre-commit',
      '.pnpmfile.cjs',
      '.claude/settings.json',
    ];
    for (const protectedPath of protectedPaths) {
      it(`protects ${protectedPath}`, () => {
        const verdict = accepted(protectedPath);
        assert.ok(verdict.protection, `expected ${protectedPath} to be protected`);
        assert.match(verdict.protection.reason, /is protected: /);
        assert.ok(verdict.protection.reason.includes(`"${protectedPath}"`));
        assert.deepEqual(isProtectedPath(protectedPath), verdict.protection);
      });
    }

    it('does not protect example environment files, which hold names and no secrets', () => {
      for (const example of ['.env.example', '.ENV.Example', 'server/.env.sample', 'web/.env.template']) {
        assert.equal(accepted(example).protection, undefined, example);
      }
    });

    it('does not protect ordinary files that merely look alike', () => {
      for (const plain of [
        'src/environment.ts',
        'docs/vscode.md',
        '.github/CODEOWNERS',
        '.github/ISSUE_TEMPLATE/bug.md',
        'workflows/ci.yml',
        'src/env.ts',
        'package.json',
      ]) {
        assert.equal(accepted(plain).protection, undefined, plain);
        assert.equal(isProtectedPath(plain), undefined, plain);
      }
    });

    it('normalizes before checking: ./.vscode/x is protected', () => {
      assert.ok(accepted('./.vscode/settings.json').protection);
      assert.ok(isProtectedPath('./.vscode//settings.json'));
    });
  });

  describe('displayPath', () => {
    it('escapes invisible characters and cuts long paths', () => {
      assert.equal(displayPath('a\u202Eb\nc'), 'a\\u202Eb\\u000Ac');
      assert.equal(displayPath('x'.repeat(500)).length, 161);
    });
  });

  describe('isInside (containment by path.relative, never by prefix)', () => {
    it('refuses a sibling that shares the prefix', () => {
      assert.equal(isInside('/w/app', '/w/app-evil/x'), false);
      assert.equal(isInside('/w/app', '/w/app-evil'), false);
      assert.equal(isInside('/w/app', '/w/app/../app-evil'), false);
      assert.equal(isInside('/w/app', '/w/app/../app-evil/x'), false);
    });

    it('refuses the parent and unrelated paths', () => {
      assert.equal(isInside('/w/app', '/w'), false);
      assert.equal(isInside('/w/app', '/'), false);
      assert.equal(isInside('/w/app', '/etc/passwd'), false);
      assert.equal(isInside('/w/app', '/w/app/..'), false);
    });

    it('accepts the root itself and what is below it', () => {
      assert.equal(isInside('/w/app', '/w/app'), true);
      assert.equal(isInside('/w/app', '/w/app/'), true);
      assert.equal(isInside('/w/app', '/w/app/x'), true);
      assert.equal(isInside('/w/app', '/w/app/a/b/c.ts'), true);
      assert.equal(isInside('/w/app', '/w/app/a/../b'), true);
      // A name that starts with two dots is not the parent.
      assert.equal(isInside('/w/app', `/w/app/..foo`), true);
      assert.equal(isInside('/w/app', path.join('/w/app', '..x', 'y')), true);
    });
  });
});
