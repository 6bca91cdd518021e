// ESLint flat config: typescript-eslint recommended, plus the house import rules per folder
// (shared/ pure, renderer/ never reaches Node or Electron, only main/preload import electron).
import tseslint from 'typescript-eslint';

const nodeOrElectron = [
  { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'shared/ and renderer/ are pure: no Node modules' },
  { group: ['electron'], message: "only electron/main.ts and electron/preload.ts import 'electron'" },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'tests/run.mjs', 'eslint.config.js', 'renderer/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a parameter an interface requires but this implementation does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeOrElectron, { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports only shared/' }] }],
      'no-console': 'error',
      'no-restricted-globals': ['error', 'process', 'Buffer', 'window', 'document'],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeOrElectron, { group: ['**/electron/**'], message: 'renderer reaches the host only through renderer/api/client.ts' }] }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: "only electron/main.ts and electron/preload.ts import 'electron'" }] }],
    },
  },
);
