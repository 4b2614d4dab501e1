// Why: `npm test`, `npm run bench:ci` and `npm run test:e2e` start with this, so they build on a
// fresh clone or after an edit and reuse the build otherwise (a CI run builds once, in `npm ci`).
import { spawnSync } from 'node:child_process'
import { packageRoot } from '../engine/paths.js'
import { staleBuildReason } from './buildStamp.js'

const reason = staleBuildReason()
if (reason === null) {
  process.stderr.write('build: dist/ is up to date with the sources\n')
} else {
  process.stderr.write(`build: ${reason}; running npm run build\n`)
  const r = spawnSync('npm', ['run', 'build'], { cwd: packageRoot, stdio: 'inherit' })
  process.exitCode = r.status ?? 1
}
