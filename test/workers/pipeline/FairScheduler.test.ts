import { describe, expect, it } from 'vitest'
import { FairScheduler } from '../../../workers/pipeline/FairScheduler.js'

const tick = () => new Promise((r) => setTimeout(r, 1))

describe('FairScheduler', () => {
  it('hands free slots to owners in turn, so a small job behind a big one waits at most one task per slot', async () => {
    const s = new FairScheduler(1)
    const order: string[] = []
    const job = (name: string) => async () => {
      order.push(name)
      await tick()
    }
    const big = Array.from({ length: 6 }, (_, i) => s.schedule('big', job(`big${i}`)))
    const small = [s.schedule('small', job('small0')), s.schedule('small', job('small1'))]
    await Promise.all([...big, ...small])
    // big0 holds the slot when the small job arrives; big1 had its turn queued first; then they alternate
    expect(order).toEqual(['big0', 'big1', 'small0', 'big2', 'small1', 'big3', 'big4', 'big5'])
  })

  it('never runs more tasks at once than it has slots', async () => {
    const s = new FairScheduler(2)
    let running = 0
    let most = 0
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.schedule(`o${i % 3}`, async () => {
          most = Math.max(most, ++running)
          await tick()
          running--
        }),
      ),
    )
    expect(most).toBe(2)
  })

  it('drops the waiting tasks with the given error and leaves the others', async () => {
    const s = new FairScheduler(1)
    const first = s.schedule('a', tick)
    const dropped = s.schedule('a', async () => 'never')
    const kept = s.schedule('b', async () => 'b ran')
    expect(s.drop('a', () => new Error('cancelled'))).toBe(1)
    await expect(dropped).rejects.toThrow('cancelled')
    await first
    expect(await kept).toBe('b ran')
  })
})
