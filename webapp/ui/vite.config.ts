import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Builds the React UI into dist/ui, which the webapp serves (`npm run build` runs this after tsc). */
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: { outDir: path.resolve(here, '../../dist/ui'), emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': process.env.KALE_URL ?? 'http://127.0.0.1:1500' } },
});
