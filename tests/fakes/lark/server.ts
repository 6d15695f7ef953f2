import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeTokens } from './auth';
import { CODES, invalidParam, type LarkAnswer, larkError, ok } from './codes';
import { batchGetId, getUser } from './contact';
import type { FakeFaults } from './faults';
import { createMessage, patchMessage, replyMessage } from './im';
import type { FakeState } from './state';
import { larkId } from './store';
import type { WsClientConfig } from './ws';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  /** Lark's business code in the answer, when it had one */
  code?: number;
  at: number;
}

type Body = Record<string, unknown>;
type Route = (m: RegExpExecArray, query: URLSearchParams, body: Body) => LarkAnswer;

export interface HttpDeps {
  s: FakeState;
  tokens: FakeTokens;
  faults: FakeFaults;
  log: RequestLogEntry[];
  wsUrl: () => string;
  wsClientConfig: () => WsClientConfig;
}

const ROUTES: [string, RegExp, (d: HttpDeps) => Route][] = [
  ['POST', /^\/open-apis\/im\/v1\/messages$/, (d) => (_m, q, b) => createMessage(d.s, q, b)],
  ['POST', /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/, (d) => (m, _q, b) => replyMessage(d.s, m[1]!, b)],
  ['PATCH', /^\/open-apis\/im\/v1\/messages\/([^/]+)$/, (d) => (m, _q, b) => patchMessage(d.s, m[1]!, b)],
  ['POST', /^\/open-apis\/contact\/v3\/users\/batch_get_id$/, (d) => (_m, q, b) => batchGetId(d.s, q, b)],
  ['GET', /^\/open-apis\/contact\/v3\/users\/([^/]+)$/, (d) => (m, q) => getUser(d.s, decodeURIComponent(m[1]!), q)],
  [
    'GET',
    /^\/open-apis\/bot\/v3\/info$/,
    (d) => () => ({
      status: 200,
      body: {
        code: 0,
        msg: 'ok',
        bot: { activate_status: 2, app_name: d.s.bot.appName, avatar_url: '', ip_white_list: [], open_id: d.s.bot.openId },
      },
    }),
  ],
];

export function httpHandler(d: HttpDeps) {
  return (req: IncomingMessage, res: ServerResponse) => {
    readBody(req).then(async (raw) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const answer = await answerFor(d, req, url, raw);
      if (d.faults.delayMs > 0) await new Promise((r) => setTimeout(r, d.faults.delayMs));
      d.log.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.search,
        status: answer.status,
        code: typeof answer.body.code === 'number' ? answer.body.code : undefined,
        at: d.s.clock.now(),
      });
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  };
}

async function answerFor(d: HttpDeps, req: IncomingMessage, url: URL, raw: string): Promise<LarkAnswer> {
  let body: Body = {};
  if (raw) {
    try {
      body = JSON.parse(raw) as Body;
    } catch {
      return invalidParam('body is not JSON');
    }
  }
  if (req.method === 'POST' && url.pathname === '/callback/ws/endpoint') return wsEndpoint(d, body);
  const injected = d.faults.next();
  if (injected) return injected;
  if (req.method === 'POST' && url.pathname === '/open-apis/auth/v3/tenant_access_token/internal') return d.tokens.issue(body);
  const route = ROUTES.find(([method, re]) => method === req.method && re.test(url.pathname));
  if (!route) return larkError(404, 404, `fake lark: no route ${req.method} ${url.pathname}`);
  const unauthorized = d.tokens.check(req.headers.authorization);
  if (unauthorized) return unauthorized;
  return route[2](d)(route[1].exec(url.pathname)!, url.searchParams, body);
}

function wsEndpoint(d: HttpDeps, body: Body): LarkAnswer {
  if (body.AppID !== d.s.appId || body.AppSecret !== d.s.appSecret) {
    return { status: 200, body: { code: CODES.wsAuthFailed, msg: 'auth failed' } };
  }
  const url = `${d.wsUrl()}?device_id=${larkId('dev_')}&service_id=${1000 + Math.floor(Math.random() * 9000)}`;
  return ok({ URL: url, ClientConfig: d.wsClientConfig() });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
