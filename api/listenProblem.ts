// Why: `npm start` on a port already in use (a second server, an old one still running) must say
// which port and what to do, not print a stack trace; and it must say so before the server opens
// DATA_DIR, where it would re-queue the runs the other server is running.
import { createServer } from 'node:net'

/** Why the server cannot listen on host:port, in words with a way out; null for other errors. */
export function describeListenError(e: unknown, host: string, port: number, freePort?: number | null): string | null {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (code === 'EADDRINUSE')
    return `port ${port} is in use on ${host}: stop the other server or set PORT=${freePort ?? port + 1}`
  if (code === 'EACCES') return `not allowed to listen on port ${port} on ${host}: set PORT to a port from 1024 up (PORT=3000)`
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `HOST=${host} is not an address of this machine: set HOST=127.0.0.1 (this machine only) or HOST=0.0.0.0 (every interface)`
  return null
}

/** Try to listen on host:port and close again; resolves with the error, or null when it can. */
function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)))
  })
}

/**
 * Why `npm start` could not listen on host:port, or null when it can (port 0, any free port,
 * always can). A port in use comes with the next free one to suggest.
 */
export async function listenProblem(host: string, port: number): Promise<string | null> {
  if (port === 0) return null
  const error = await tryListen(host, port)
  if (!error) return null
  let free: number | null = null
  if (error.code === 'EADDRINUSE')
    for (let p = port + 1; p <= Math.min(65535, port + 20) && free === null; p++) if ((await tryListen(host, p)) === null) free = p
  return describeListenError(error, host, port, free) ?? `cannot listen on ${host}:${port}: ${error.message}`
}
