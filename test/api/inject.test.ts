// app.inject (light-my-request) is how the API tests talk to the server; its cookie encoding comes
// from the `cookie` package, pinned by package.json's overrides to a version that supports Node 20.
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'

describe('app.inject', () => {
  it('sends cookies and headers as a client would, and reads the cookies a route sets', async () => {
    const app = Fastify()
    app.get('/echo', async (request, reply) => {
      reply.header('set-cookie', ['session=abc 123; Path=/; HttpOnly', 'theme=dark'])
      return { cookie: request.headers.cookie, accept: request.headers.accept }
    })
    const res = await app.inject({ url: '/echo', cookies: { planner: 'li wei', year: '2015' }, headers: { accept: 'application/json' } })
    expect(res.json()).toEqual({ cookie: 'planner=li%20wei; year=2015', accept: 'application/json' })
    expect(res.cookies.map((c) => [c.name, c.value])).toEqual([
      ['session', 'abc 123'],
      ['theme', 'dark'],
    ])
    await app.close()
  })
})
