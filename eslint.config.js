// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Which workspace may import which: protocol imports nothing of ours; harness only protocol; nothing imports apps/. */
const layering = {
  'packages/config': [
    '@tandem/protocol',
    '@tandem/client',
    '@tandem/server',
    '@tandem/web',
    '@tandem/sandbox',
    '@tandem/jobs',
    '@tandem/harness',
  ],
  'packages/protocol': [
    '@tandem/client',
    '@tandem/server',
    '@tandem/web',
    '@tandem/sandbox',
    '@tandem/jobs',
    '@tandem/harness',
  ],
  'packages/harness': [
    '@tandem/client',
    '@tandem/server',
    '@tandem/web',
    '@tandem/sandbox',
    '@tandem/jobs',
  ],
  'packages/client': ['@tandem/server', '@tandem/web', '@tandem/sandbox', '@tandem/jobs'],
  'packages/jobs': ['@tandem/client', '@tandem/server', '@tandem/web', '@tandem/sandbox'],
  'apps/web': ['@tandem/server', '@tandem/sandbox', '@tandem/jobs'],
  'apps/server': ['@tandem/web', '@tandem/client', '@tandem/sandbox'],
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...Object.entries(layering).map(([dir, banned]) => ({
    files: [`${dir}/src/**/*.{ts,tsx}`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...banned.map((name) => ({
              group: [name, `${name}/*`],
              message: `${dir} must not import ${name}`,
            })),
            { group: ['**/apps/**'], message: 'nothing imports from apps/' },
          ],
        },
      ],
    },
  })),
  {
    files: ['apps/server/src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'cookies',
          message:
            'request.cookies is not parsed on every request (@fastify/cookie with hook: false): use requestCookie (http/cookies.ts).',
        },
      ],
    },
  },
  {
    // Command-line programs (benchmarks, scripts) print their reports.
    files: ['bench/**/*.ts', 'scripts/**/*.{ts,js,mjs}'],
    rules: { 'no-console': 'off' },
  },
);
