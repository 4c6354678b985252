// ESLint flat config (house style §14): typescript-eslint recommended rules, unused imports
// removed, no focused or skipped tests, and the dependency rules of the architecture:
//   - functions/core/** (use cases, forms engine) imports no `@aws-sdk/*` and nothing from infra/;
//   - functions/** (Lambda code) imports nothing from infra/ or test/ (local-only and test-only
//     code never reaches a Lambda bundle).
import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import unusedImports from 'eslint-plugin-unused-imports';
import tseslint from 'typescript-eslint';

const noInfraOrTest = [
  { group: ['**/infra/**', '**/infra'], message: 'Lambda code must not import local-only code from infra/.' },
  { group: ['**/test/**', '**/test'], message: 'Lambda code must not import test code.' },
];

const nodeGlobals = Object.fromEntries(
  ['require', 'module', 'exports', 'process', 'console', '__dirname', '__filename', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'URL'].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', '.local/**', '.local-*/**', 'test-artifacts/**', 'bench/out/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'unused-imports': unusedImports },
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
      'unused-imports/no-unused-imports': 'error',
      'unused-imports/no-unused-vars': ['error', { vars: 'all', varsIgnorePattern: '^_', args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // Stripping control characters from file names and cell text is a real need here.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: noInfraOrTest }] },
  },
  {
    files: ['functions/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...noInfraOrTest, { group: ['@aws-sdk/*'], message: 'The core talks to AWS only through ports (functions/core/ports.ts).' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { jest },
    languageOptions: { globals: jest.environments.globals.globals },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-identical-title': 'error',
      'jest/valid-expect': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
