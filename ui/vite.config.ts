import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The webview UI of Telltale. Run from the repository root:
//   npm run ui:build | ui:test | ui:dev
//   npm run ui:build:mock   the test build (mode "mock"): mock.html, the Tauri IPC mocked, into dist-mock
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ mode }) => ({
  root,
  base: './',
  plugins: [react()],
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**', '**/target/**'] },
  },
  build: {
    // The mock build never lands in dist/ (which the app embeds) and production never has mock.html.
    outDir: mode === 'mock' ? 'dist-mock' : 'dist',
    emptyOutDir: true,
    rollupOptions: { input: `${root}${mode === 'mock' ? 'mock.html' : 'index.html'}` },
    // WebKitGTK 2.50 (Linux), WKWebView (macOS), WebView2 (Windows).
    target: ['es2021', 'safari15'],
    cssTarget: ['safari15'],
    sourcemap: false,
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
  },
}));
