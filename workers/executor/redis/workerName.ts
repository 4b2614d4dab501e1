// Why: /health lists the live workers and the coordinator sizes its blocks by their threads, from
// BullMQ's own registry (CLIENT LIST of the queue's named worker connections), so nothing needs a
// heartbeat of its own. A worker's name carries what the coordinator needs: host, pid, threads,
// engine version; CLIENT SETNAME forbids spaces, so the fields are joined by '|'.

export interface LiveWorker {
  name: string
  host: string
  pid: number
  threads: number
  engine_version: string
  /** the connection's address as Redis sees it */
  addr?: string
  /** seconds connected, and idle (as CLIENT LIST reports them) */
  age_seconds?: number
  idle_seconds?: number
}

/** A worker's name: host|pid|threads|engine version. */
export function workerName(host: string, pid: number, threads: number, engineVersion: string): string {
  return [host.replace(/[\s|]/g, '_'), pid, threads, engineVersion.replace(/[\s|]/g, '_')].join('|')
}

/** A live worker from its BullMQ connection name (`<prefix>:<queue base64>:w:<name>`) and CLIENT LIST fields. */
export function parseWorkerName(rawname: string, client: { addr?: string; age?: string; idle?: string } = {}): LiveWorker {
  const name = rawname.includes(':w:') ? rawname.slice(rawname.indexOf(':w:') + 3) : rawname
  const [host = '?', pid = '0', threads = '1', engine = '?'] = name.split('|')
  return {
    name,
    host,
    pid: Number(pid) || 0,
    threads: Math.max(1, Number(threads) || 1),
    engine_version: engine,
    addr: client.addr,
    age_seconds: client.age === undefined ? undefined : Number(client.age),
    idle_seconds: client.idle === undefined ? undefined : Number(client.idle),
  }
}
