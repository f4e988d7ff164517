// ESLint for the webview UI (ui/), the end-to-end tests (e2e/) and the benchmarks (bench/), run by
// `npm run ui:lint` beside `prettier --check`: the recommended rules of JavaScript everywhere,
// typescript-eslint's in ui/, and in ui/src the React hooks rules (the plugin's recommended set;
// rules-of-hooks and exhaustive-deps are errors).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  // Generated from crates/protocol, build output, test artifacts.
  globalIgnores(['ui/src/generated/', 'ui/dist/', 'ui/dist-mock/', 'artifacts/']),
  {
    files: ['ui/**/*.{js,mjs,ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      // As TypeScript's noUnusedLocals: leaving a property out with a rest sibling is fine.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['ui/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // The browser tests run in Node and hand functions to the page (page.evaluate).
    files: ['ui/browser/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['ui/vite.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // The end-to-end tests and the benchmarks: Node scripts that also hand functions and scripts
    // to a page (WebDriver's execute), so both sets of globals.
    files: ['e2e/**/*.mjs', 'bench/**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
]);
