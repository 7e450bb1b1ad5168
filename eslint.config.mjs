// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no activity code.
    // contract/ is bundled with it. test/redeploy/ holds the workflow modules of the redeploy test's build B.
    files: ['workflows/**/*.ts', 'contract/**/*.ts', 'test/redeploy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must not use Node built-ins.' })),
          patterns: [
            {
              group: ['**/activities', '**/activities/*', '!**/activities/types'],
              allowTypeImports: true,
              message: 'Workflows may only import activity types (import type), never implementations.',
            },
            { group: ['**/sepay/client*', '**/sepay/token*', '**/simulator/**'], message: 'No I/O code in workflows.' },
          ],
        },
      ],
    },
  },
  {
    // The contract is what callers in any language depend on: it leans on no workflow, worker or client code.
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The contract is bundled with workflows: no Node built-ins.' })),
          patterns: [{ group: ['**/workflows/*', '**/activities/*', '**/worker/*', '**/client/*', '**/codec/*'], message: 'The contract imports only contract/ and sepay/ schemas.' }],
        },
      ],
    },
  },
  {
    // client/ is what business apps use: nothing of the worker's process comes with it.
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/worker/*'], message: 'client/ never imports worker/.' }] }],
    },
  },
  {
    // The simulator is a second opinion on SePay's API: its rules come from the API reference,
    // never from our client, so the two can disagree (simulator/README.md).
    files: ['simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/sepay', '**/sepay/*'], message: 'The simulator judges requests by its own rules: no import of sepay/.' }] },
      ],
    },
  },
  {
    // The bin is plain JavaScript outside the TypeScript project: linted without type information.
    files: ['bin/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
