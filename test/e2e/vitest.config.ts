// Why: the browser suite (and the page's unit tests) run apart from the main suite, whose
// vitest.config.ts excludes test/e2e/**: they need Chromium, a built page and a real server.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['web/test/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
