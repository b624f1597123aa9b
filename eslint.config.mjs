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
            // Start-up of the shipped executable (server/test/release/startup_imports.test.ts): zod's `z` export is one
            // object of everything, its 60 locales too, which no bundler can then leave out; prom-client's index loads
            // https, tls, zlib and cluster for features Tripwire does not use (server/src/metrics/prometheus.ts).
            'no-restricted-syntax': ['error', {
                selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > :matches(ImportDefaultSpecifier, ImportSpecifier[imported.name='z'][importKind!='type'])",
                message: "import * as z from 'zod' (lets the bundler leave zod's locales out)",
            }],
            '@typescript-eslint/no-restricted-imports': ['error', {
                paths: [{name: 'prom-client', allowTypeImports: true, message: 'import the classes from prom-client/lib/<name> (see server/src/metrics/prometheus.ts)'}],
            }],
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
        // Declarations load nothing at run time.
        files: ['**/*.d.ts'],
        rules: {'@typescript-eslint/no-restricted-imports': 'off'},
    },
    {
        files: ['**/*.cjs', '**/*.js'],
        languageOptions: {sourceType: 'commonjs', globals: {...globals.node}},
        rules: {'@typescript-eslint/no-require-imports': 'off'},
    },
);
