import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
// `npm run dev:dashboard` talks to a service started with `npm start` (or API_URL).
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here('.'),
  resolve: { alias: { '#contracts': here('../../libs/contracts/src/index.ts') } },
  build: {
    // Under the service's own dist/ so the Docker image, which ships dist/, carries the dashboard too.
    outDir: here('../../dist/dashboard'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: { '/api': api, '/health': api, '/socket.io': { target: api, ws: true } },
  },
});
