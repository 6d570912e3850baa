import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The SPA on http://localhost:5173 (`SPA_PORT` changes it). It finds the services through `TESSERA_AUTH_URL` and
 * `TESSERA_TASKS_URL` (defaults: the local stack), read when it is served or built.
 */
const port = Number(process.env.SPA_PORT ?? 5173);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // @tessera/client loads its TypeScript source here, not a build (docs/decisions.md); the rest are Vite's defaults,
  // which a list given here would otherwise replace.
  resolve: { conditions: ['@tessera/source', ...defaultClientConditions] },
  envPrefix: 'TESSERA_',
  server: { port, strictPort: true },
  preview: { port, strictPort: true },
});
