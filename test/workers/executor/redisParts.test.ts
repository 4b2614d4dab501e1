// The Redis executor's small parts, without Redis: the binary block format, job ids within
// BullMQ's rules, coded failures, fleet identities, worker names and the server's settings.
import { describe, expect, it } from 'vitest'
import type { BlockOutput } from '../../../engine/pipeline/simulateBlock.js'
import { decodeFailure, encodeFailure } from '../../../workers/executor/redis/BlockJobData.js'
import { decodeBlockResult, encodeBlockResult, HEADER_BYTES } from '../../../workers/executor/redis/blockResultCodec.js'
import { fleetIdentity, identityDifferences } from '../../../workers/executor/redis/fleetIdentity.js'
import { blockJobId, RedisKeys } from '../../../workers/executor/redis/redisKeys.js'
import { redisSettingsFromEnv } from '../../../workers/executor/redis/redisSettings.js'
import { parseWorkerName, workerName } from '../../../workers/executor/redis/workerName.js'

function block(rows: boolean): BlockOutput {
  const series = new Float64Array([1.5, -0, Number.NaN, 1e300, 5e-324, 42])
  const r = new Uint8Array(52 * 3).map((_, i) => (i * 37) & 255)
  return { trialStart: 120, trialCount: 3, rows: rows ? r.buffer : null, series: series.buffer, applications: 6451, draws: 22190, completed: 3 }
}

describe('the binary block result', () => {
  for (const rows of [true, false])
    it(`gives back the same bytes, counters and trial range (${rows ? 'with' : 'without'} rows)`, () => {
      const out = block(rows)
      const buf = encodeBlockResult(out)
      expect(buf.length).toBe(HEADER_BYTES + 48 + (rows ? 156 : 0))
      const back = decodeBlockResult(buf, { trialStart: 120, trialCount: 3, rows })
      expect(Buffer.from(back.series).equals(Buffer.from(out.series))).toBe(true)
      expect(back.rows === null ? null : Buffer.from(back.rows).equals(Buffer.from(out.rows!))).toBe(rows ? true : null)
      expect({ ...back, series: null, rows: null }).toEqual({ ...out, series: null, rows: null })
      // fresh, aligned buffers: typed arrays can view them
      expect(new Float64Array(back.series)[3]).toBe(1e300)
    })

  it('refuses another block\'s result, a truncated buffer and bytes that are not a block', () => {
    const buf = encodeBlockResult(block(true))
    expect(() => decodeBlockResult(buf, { trialStart: 0, trialCount: 3, rows: true })).toThrow(/holds trials 120\+3/)
    expect(() => decodeBlockResult(buf, { trialStart: 120, trialCount: 3, rows: false })).toThrow(/rows true/)
    expect(() => decodeBlockResult(buf.subarray(0, buf.length - 1))).toThrow(/declares/)
    expect(() => decodeBlockResult(Buffer.from('{"type":"Buffer"}'))).toThrow(/not a budget-sim block result/)
  })
})

describe('names in Redis', () => {
  it('makes job ids from run, block and trial range that BullMQ 5 accepts as custom ids (no integer, no colon)', () => {
    const id = blockJobId('cbc536e2-dc77-4dad-bec9-fd29e78f9e84', 7, 1400, 200)
    expect(id).toBe('cbc536e2-dc77-4dad-bec9-fd29e78f9e84.b7.t1400-1599')
    expect(id.includes(':')).toBe(false)
    expect(`${parseInt(id, 10)}` === id).toBe(false)
    expect(() => blockJobId('a:b', 0, 0, 1)).toThrow(/may not contain ':'/)
  })

  it('keys a result by run and trial range, a specification by its hash', () => {
    const keys = new RedisKeys('bsim')
    expect(keys.result('r1', 0, 125)).toBe('bsim:result:r1:0-124')
    expect(keys.spec('abc')).toBe('bsim:spec:abc')
    expect(keys.cancel('r1')).toBe('bsim:cancel:r1')
    expect(() => new RedisKeys('has space')).toThrow(/prefix/)
  })

  it('reads a live worker back from its BullMQ connection name', () => {
    const name = workerName('node-7.example', 4242, 16, '0.1.0')
    expect(parseWorkerName(`bsim:YmxvY2tz:w:${name}`, { addr: '10.0.0.7:5100', age: '12', idle: '0' })).toEqual({
      name: 'node-7.example|4242|16|0.1.0',
      host: 'node-7.example',
      pid: 4242,
      threads: 16,
      engine_version: '0.1.0',
      addr: '10.0.0.7:5100',
      age_seconds: 12,
      idle_seconds: 0,
    })
  })
})

describe('failures and identities', () => {
  it('carries a failure\'s code from the worker to the coordinator, and calls an uncoded one a crash', () => {
    expect(decodeFailure(encodeFailure('LIMIT_EXCEEDED', 'too many draws: 5 > 4'), 'block 3')).toMatchObject({ code: 'LIMIT_EXCEEDED', message: 'too many draws: 5 > 4' })
    expect(decodeFailure('job stalled more than allowable limit', 'block 3 (trials 300-399)')).toMatchObject({
      code: 'WORKER_CRASHED',
      message: 'a Redis worker failed on block 3 (trials 300-399): job stalled more than allowable limit',
    })
  })

  it('names every part of the identity that differs between coordinator and worker', () => {
    const here = fleetIdentity()
    expect(identityDifferences(here, here)).toEqual([])
    expect(identityDifferences({ ...here, engineVersion: '0.0.9', node: '18' }, here)).toEqual([
      `engine version 0.0.9 (coordinator) vs ${here.engineVersion} (this worker)`,
      `Node major version 18 (coordinator) vs ${here.node} (this worker)`,
    ])
  })
})

describe('the server\'s Redis settings', () => {
  it('are off without REDIS_URL and name the variable of a bad value', () => {
    expect(redisSettingsFromEnv({})).toBeNull()
    expect(redisSettingsFromEnv({ REDIS_URL: 'redis://h:6379', REDIS_SLOTS: '0', REDIS_KEEP_RESULTS: 'consumed' })).toMatchObject({
      url: 'redis://h:6379',
      origin: 'REDIS_URL',
      slots: undefined,
      keepResults: 'consumed',
    })
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'h:6379' })).toThrow(/^REDIS_URL: must start with redis:\/\//)
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'redis://h', REDIS_SLOTS: 'many' })).toThrow(/^REDIS_SLOTS: must be a whole number/)
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'redis://h', REDIS_KEEP_RESULTS: 'forever' })).toThrow(/^REDIS_KEEP_RESULTS: must be run or consumed/)
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'redis://h', REDIS_RESULT_TTL_SECONDS: '5' })).toThrow(/^REDIS_RESULT_TTL_SECONDS: must be a whole number between 60/)
  })
})
