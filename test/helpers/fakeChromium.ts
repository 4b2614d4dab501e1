// A stand-in for Chromium (a shell script) for the report routes' tests: it writes a one-page PDF
// where --print-to-pdf says, after `seconds`, and its pid to <dir>/<name>.pid.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function fakeChromium(dir: string, name: string, seconds: number): string {
  const path = join(dir, name)
  writeFileSync(
    path,
    `#!/bin/sh
echo $$ > "${join(dir, `${name}.pid`)}"
out=""
for a in "$@"; do case "$a" in --print-to-pdf=*) out="\${a#--print-to-pdf=}";; esac; done
sleep ${seconds}
printf '%%PDF-1.4\\n1 0 obj << /Type /Page >> endobj\\n%%%%EOF\\n' > "$out"
`,
  )
  chmodSync(path, 0o755)
  return path
}
