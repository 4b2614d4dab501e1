// Why: Vite 7 bundles the planner page (strict TypeScript, Observable Plot, CSS) into static files
// in web/dist, which the API server serves at /, with the README beside it (the page's Help links to
// its sections). Nothing is loaded from a CDN. `vite` (dev server) proxies the API to a running
// server (BUDGET_SIM_API, default http://127.0.0.1:3000).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

/** The page's Help links to the README's sections: ship the README with the page (served at /README.md). */
const readme: Plugin = {
  name: 'budget-sim-readme',
  apply: 'build',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'README.md', source: readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8') })
  },
}

const api = process.env.BUDGET_SIM_API ?? 'http://127.0.0.1:3000'
const apiPaths = ['/scenarios', '/runs', '/analyses', '/programmes', '/health', '/problems', '/docs', '/openapi.json']

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  clearScreen: false,
  plugins: [readme],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Observable Plot brings d3; one chunk of ~300 kB (gzip ~100 kB) is expected
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: Object.fromEntries(apiPaths.map((p) => [p, { target: api, changeOrigin: true }])) },
})
