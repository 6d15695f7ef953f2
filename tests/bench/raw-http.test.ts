import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRequest, parseAnswer, RawConnection } from '../../bench/raw-http';

/** The bench's load generator must read real Node/Koa answers exactly as a browser would. */
describe('bench raw HTTP client', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server!.address() as AddressInfo).port;
  }

  it('sends a JSON body and reads status and body, several requests on one kept-alive connection', async () => {
    const sockets = new Set<unknown>();
    const port = await listen((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, path: req.url, body, type: req.headers['content-type'] ?? null }));
      });
    });
    const c = new RawConnection('127.0.0.1', port);
    const post = await c.send(encodeRequest(`127.0.0.1:${port}`, 'POST', '/console/api/messages', '{"text":"库存 A100"}'));
    expect(post.status).toBe(201);
    expect(JSON.parse(post.body.toString())).toEqual({
      method: 'POST',
      path: '/console/api/messages',
      body: '{"text":"库存 A100"}',
      type: 'application/json',
    });
    const get = await c.send(encodeRequest(`127.0.0.1:${port}`, 'GET', '/healthz'));
    expect(get.status).toBe(200);
    expect(JSON.parse(get.body.toString())).toMatchObject({ method: 'GET', path: '/healthz', type: null });
    await c.send(encodeRequest(`127.0.0.1:${port}`, 'GET', '/again'));
    expect(sockets.size).toBe(1);
    c.close();
  });

  it('reads a chunked answer written in pieces', async () => {
    const port = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('一二');
      setTimeout(() => res.end('三四'), 20);
    });
    const c = new RawConnection('127.0.0.1', port);
    const a = await c.send(encodeRequest(`127.0.0.1:${port}`, 'GET', '/'));
    expect(a.body.toString()).toBe('一二三四');
    c.close();
  });

  it('sends again on a new connection when the server closed the idle one', async () => {
    const port = await listen((_req, res) => res.end('ok'));
    server!.keepAliveTimeout = 50;
    const c = new RawConnection('127.0.0.1', port);
    expect((await c.send(encodeRequest(`127.0.0.1:${port}`, 'GET', '/'))).body.toString()).toBe('ok');
    await new Promise((r) => setTimeout(r, 200));
    expect((await c.send(encodeRequest(`127.0.0.1:${port}`, 'GET', '/'))).body.toString()).toBe('ok');
    c.close();
  });

  it('fails a request whose connection is refused, and one cut off mid-answer', async () => {
    const port = await listen((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 10);
    });
    const c = new RawConnection('127.0.0.1', port);
    await expect(c.send(encodeRequest(`127.0.0.1:${port}`, 'GET', '/'))).rejects.toThrow(/closed before the answer/);
    server!.close();
    server = undefined;
    await expect(new RawConnection('127.0.0.1', port).send(encodeRequest(`127.0.0.1:${port}`, 'GET', '/'))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('waits for the whole answer across reads', () => {
    const whole = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    for (let cut = 0; cut < whole.length; cut++) expect(parseAnswer(whole.subarray(0, cut))).toBeNull();
    expect(parseAnswer(whole)).toEqual({ status: 200, body: Buffer.from('hello'), close: true });
    expect(parseAnswer(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))).toEqual({ status: 204, body: Buffer.alloc(0), close: false });
  });
});
