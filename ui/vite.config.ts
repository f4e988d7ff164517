import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// The webview UI of Telltale. Run from the repository root:
//   npm run ui:build | ui:test | ui:dev
//   npm run ui:build:mock   the test build (mode "mock"): index.html on the mocked Tauri IPC, into dist-mock
const root = fileURLToPath(new URL('.', import.meta.url));

/** In mode "mock", index.html loads src/mock/main.ts (the Tauri IPC mocked, then the app) instead. */
function mockShellPage(): Plugin {
  const swap = (html: string, from: string, to: string) => {
    if (!html.includes(from)) throw new Error(`index.html has no ${from} for the mock build to replace`);
    return html.replace(from, to);
  };
  return {
    name: 'telltale-mock-shell-page',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) =>
        swap(swap(html, '<title>Telltale</title>', '<title>Telltale (mocked shell)</title>'), '/src/main.tsx', '/src/mock/main.ts'),
    },
  };
}

export default defineConfig(({ mode }) => ({
  root,
  base: './',
  plugins: mode === 'mock' ? [react(), mockShellPage()] : [react()],
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**', '**/target/**'] },
  },
  build: {
    // The mock build never lands in dist/ (which the app embeds) and production never loads src/mock/.
    outDir: mode === 'mock' ? 'dist-mock' : 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.50 (Linux), WKWebView (macOS), WebView2 (Windows).
    target: ['es2021', 'safari15'],
    cssTarget: ['safari15'],
    sourcemap: false,
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    // A guard against a test that hangs, not a time limit: a test streaming a few thousand tokens
    // through React takes 2 s on a quiet machine and 7 s on a busy one.
    testTimeout: 60_000,
  },
}));
