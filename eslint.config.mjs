import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** What the Temporal workflow bundler lets workflow code import (`allowedBuiltinModules` of @temporalio/worker). */
const workflowBuiltins = ['assert', 'url', 'util'];
const forbiddenBuiltins = builtinModules.filter((name) => !workflowBuiltins.includes(name));
const nonWorkflowFolders = ['activities', 'api', 'worker', 'operator', 'sandbox', 'bench', 'scripts', 'lib', 'test'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.temporal/', '.data/', 'test-artifacts/', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // supertest bodies are `any`; the assertions on them are the point of the test.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenBuiltins.map((name) => ({ name, message: 'Workflow code may not use Node built-ins.' })),
          patterns: [
            {
              regex: `^node:(?!(${workflowBuiltins.join('|')})$)`,
              message: 'Workflow code may not use Node built-ins.',
            },
            {
              regex: `^(\\.\\./)+(${nonWorkflowFolders.join('|')})(/.*)?$`,
              allowTypeImports: true,
              message: 'Workflows import only types from the folders outside workflows/ and domain/.',
            },
          ],
        },
      ],
    },
  },
);
