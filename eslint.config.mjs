import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {ignores: ['**/node_modules/**', '**/dist/**', '**/bin/**', 'build/**', 'coverage/**', 'bench-results/**', 'test-output/**', '**/manifest.ts', 'test/**/*.go']},
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {globals: {...globals.node}},
        rules: {
            '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
            '@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports'}],
            eqeqeq: ['error', 'always', {null: 'ignore'}],
            'no-console': 'error',
        },
    },
    {
        // Host globals live in one folder per side: process/stdio in sdk/src/runtime (and server/src/main.ts), window in webapp/src/host.
        files: ['server/src/**/*.ts', 'sdk/src/**/*.ts'],
        ignores: ['sdk/src/runtime/**', 'server/src/main.ts'],
        rules: {'no-restricted-globals': ['error', 'process']},
    },
    {
        files: ['webapp/src/**/*.{ts,tsx}'],
        languageOptions: {globals: {...globals.browser}},
        rules: {'no-restricted-globals': ['error', 'window']},
    },
    {
        files: ['webapp/src/host/**'],
        rules: {'no-restricted-globals': 'off'},
    },
    {
        files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**', '**/bench/**', 'scripts/**', 'test/**'],
        rules: {'no-console': 'off', 'no-restricted-globals': 'off'},
    },
    {
        files: ['**/*.cjs', '**/*.js'],
        languageOptions: {sourceType: 'commonjs', globals: {...globals.node}},
        rules: {'@typescript-eslint/no-require-imports': 'off'},
    },
);
