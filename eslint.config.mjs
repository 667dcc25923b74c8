// typescript-eslint with type information. Two house rules matter most: no floating promises
// (a forgotten await loses errors), and `vscode` only in extension/ (the backend and the
// webview run and are tested in plain Node and in a browser).
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'vscode', message: 'Only extension/ may import vscode; keep this code runnable in plain Node.' }],
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'server/src/generated/**',
      '.vscode-test/**',
      'test-results/**',
      '.scratch/**',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'import-x/no-cycle': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  { files: ['server/**/*.ts', 'webview-ui/**/*.ts', 'webview-ui/**/*.tsx'], rules: noVscode },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests reach into loosely typed things (JSON output, fake modules) on purpose.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
