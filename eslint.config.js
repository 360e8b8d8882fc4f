// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '.ci/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // plain node scripts (bench runner, generators)
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly' },
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
    rules: {
      // cycles make a module impossible to read on its own (STYLE.md, fp-ts)
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        // money's integer minor units are private to money.ts: arithmetic on amounts goes through Money
        {
          selector: "MemberExpression[property.name='minorUnits']",
          message: 'Do not touch Money.minorUnits outside money.ts: use Money operations (add, times, allocate...).',
        },
        // a float is never an amount
        { selector: "CallExpression[callee.name='parseFloat']", message: 'No parseFloat: amounts are exact decimals.' },
        { selector: "CallExpression[callee.property.name='toNumber']", message: 'No Decimal#toNumber: amounts stay exact.' },
      ],
    },
  },
  {
    // the two files that own the representation
    files: ['packages/core/src/money.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // benches and tests measure and compare; they still may not use floats for amounts
    files: ['**/test/**/*.ts', '**/bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
