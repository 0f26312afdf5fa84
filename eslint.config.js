import js from '@eslint/js'
import prettier from 'eslint-config-prettier/flat'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

export default defineConfig(
  { ignores: ['**/dist/**', '**/coverage/**', 'docs/api/**', '**/.readme-examples/**'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      eqeqeq: ['error', 'always', { null: 'never' }],
      curly: ['error', 'all'],
      'no-console': 'error',
    },
  },
  {
    // The contract runs anywhere: no Node built-ins in protocol-core.
    files: ['packages/protocol-core/**', 'packages/proxy-protocol/src/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*'] }] },
  },
  {
    // Apps, examples and tests use packages as users do: by name, never through their sources.
    files: ['apps/**', 'examples/**'],
    rules: {
      'no-console': 'off',
      'no-restricted-imports': ['error', { patterns: ['@wirekit/*/src', '@wirekit/*/src/*'] }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked] },
  prettier,
)
