// Why: `budget-sim run --redis URL` coordinates a run on the workers serving that Redis: this
// connects (exit 3 with the address when Redis cannot be reached) and says on stderr where the
// blocks go, warning when no worker is there to take them.
import { BudgetSimError } from '../engine/errors.js'
import { RedisExecutor } from '../workers/executor/redis/RedisExecutor.js'

export async function openRedisExecutor(url: string, quiet: boolean): Promise<RedisExecutor> {
  if (url.trim() === '') throw new BudgetSimError('INVALID_ARGUMENT', '--redis: give a URL, e.g. redis://127.0.0.1:6379')
  // a command-line run cannot be resumed (a new run id each time): results go as soon as they are read
  const executor = await RedisExecutor.connect({ url, origin: '--redis', keepResults: 'consumed' })
  const workers = executor.workers()
  if (workers.length === 0)
    process.stderr.write(`budget-sim: no worker serves ${executor.url} yet; blocks wait until one starts (budget-sim worker --redis ${executor.url})\n`)
  else if (!quiet)
    process.stderr.write(`Blocks go to ${workers.length} worker(s) with ${executor.slots()} thread(s) through Redis at ${executor.url}\n`)
  return executor
}
