import { randomUUID } from 'node:crypto';
import { type CardAnswer, type FakeCard, FakeCards } from './cards';
import { FakeDingTalkLimits } from './limits';

/**
 * The state and the HTTP answers of a loopback DingTalk: the new API (api.dingtalk.com:
 * oauth2, robot messages, interactive cards (cards.ts), the stream gateway's connections/open)
 * and the old one (oapi.dingtalk.com: the user directory). Like DingTalk it drops silently what
 * is over a person's daily budget and what repeats content that person got today, and reports
 * throttling per minute in `flowControlledStaffIdList` (limits.ts). Every drop is counted, so
 * a test can assert there were none. Time is the fake's `now`, which a test may move.
 */

export interface FakePerson {
  userId: string;
  name: string;
  mobile?: string;
  email?: string;
  jobNumber?: string;
}

export interface FakeDelivered {
  kind: 'robot' | 'card';
  toUserId: string | null;
  toGroup: string | null;
  msgKey?: string;
  param?: Record<string, string>;
  outTrackId?: string;
  at: number;
}

export type Answer = CardAnswer;
export type { FakeCard };

const ok = (body: unknown): Answer => ({ status: 200, body });
const err = (status: number, code: string, message: string): Answer => ({ status, body: { code, message, requestid: randomUUID() } });

export class FakeDingTalkState {
  readonly clientId = 'dingfake0000000001';
  readonly clientSecret = 'fake-secret-0123456789abcdef';
  readonly corpId = 'dingcorp0001';
  readonly chatbotUserId = '$:LWCP_v1:$fakebot';
  readonly people = new Map<string, FakePerson>();
  readonly groups = new Map<string, { name: string; members: string[] }>();
  readonly delivered: FakeDelivered[] = [];
  readonly limiter: FakeDingTalkLimits;
  readonly cardStore = new FakeCards();
  readonly cards: Map<string, FakeCard> = this.cardStore.cards;
  /** answers the next n API calls (whose path starts with `prefix`) with this status */
  private faults: { prefix: string; status: number; left: number }[] = [];
  private readonly tokens = new Set<string>();
  readonly tickets = new Set<string>();
  requests: { method: string; path: string; status: number }[] = [];

  constructor(readonly now: () => number = Date.now) {
    this.limiter = new FakeDingTalkLimits(now);
  }

  get drops() {
    return this.limiter.drops;
  }

  get limits() {
    return this.limiter.limits;
  }

  set limits(l) {
    this.limiter.limits = l;
  }

  failNext(prefix: string, n = 1, status = 500): void {
    this.faults.push({ prefix, status, left: n });
  }

  revokeTokens(): void {
    this.tokens.clear();
  }

  handle(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: Record<string, string | undefined>,
    body: Record<string, unknown>,
    wsUrl: string,
  ): Answer {
    const fault = this.faults.find((f) => f.left > 0 && path.startsWith(f.prefix));
    if (fault) {
      fault.left--;
      return err(fault.status, 'ServiceUnavailable', 'injected fault');
    }
    if (method === 'POST' && path === '/v1.0/oauth2/accessToken') {
      if (body.appKey !== this.clientId || body.appSecret !== this.clientSecret) return err(400, 'invalidClientIdOrSecret', 'bad app');
      const t = `tok-${randomUUID()}`;
      this.tokens.add(t);
      return ok({ accessToken: t, expireIn: 7200 });
    }
    if (method === 'POST' && path === '/v1.0/gateway/connections/open') {
      if (body.clientId !== this.clientId || body.clientSecret !== this.clientSecret) return err(401, 'InvalidAuthentication', 'bad app');
      const ticket = randomUUID();
      this.tickets.add(ticket);
      return ok({ endpoint: wsUrl, ticket });
    }
    if (path.startsWith('/topapi/')) {
      if (!this.tokens.has(query.get('access_token') ?? '')) return ok({ errcode: 40014, errmsg: '不合法的access_token' });
      return this.oapi(path, body);
    }
    if (!this.tokens.has(headers['x-acs-dingtalk-access-token'] ?? '')) return err(401, 'InvalidAuthentication', '不合法的access_token');
    if (method === 'POST' && path === '/v1.0/card/callbacks/register') return this.cardStore.register(body);
    if (method === 'POST' && path === '/v1.0/robot/oToMessages/batchSend') return this.batchSend(body);
    if (method === 'POST' && path === '/v1.0/robot/groupMessages/send') return this.groupSend(body);
    if (method === 'POST' && path === '/v1.0/card/instances/createAndDeliver') return this.createCard(body);
    if (method === 'PUT' && path === '/v1.0/card/instances') {
      this.limiter.watchApp(path);
      return this.cardStore.update(body);
    }
    return err(404, 'NotFound', `${method} ${path}`);
  }

  private oapi(path: string, body: Record<string, unknown>): Answer {
    if (path === '/topapi/v2/user/get') {
      const p = this.people.get(String(body.userid));
      if (!p) return ok({ errcode: 60121, errmsg: '找不到该用户' });
      return ok({
        errcode: 0,
        errmsg: 'ok',
        result: { userid: p.userId, name: p.name, mobile: p.mobile, email: p.email, job_number: p.jobNumber },
      });
    }
    if (path === '/topapi/v2/user/getbymobile') {
      const p = [...this.people.values()].find((x) => x.mobile && x.mobile === body.mobile);
      return p ? ok({ errcode: 0, errmsg: 'ok', result: { userid: p.userId } }) : ok({ errcode: 60121, errmsg: '找不到该用户' });
    }
    return ok({ errcode: 404, errmsg: 'no such api' });
  }

  private batchSend(b: Record<string, unknown>): Answer {
    if (b.robotCode !== this.clientId) return err(400, 'invalidParameter.robotCode', 'robotCode');
    this.limiter.watchApp('batchSend');
    const param = JSON.parse(String(b.msgParam ?? '{}')) as Record<string, string>;
    const invalid: string[] = [];
    const throttled: string[] = [];
    for (const userId of (b.userIds as string[]) ?? []) {
      if (!this.people.has(userId)) {
        invalid.push(userId);
        continue;
      }
      const verdict = this.limiter.admit(userId, `${b.msgKey}|${b.msgParam}`);
      if (verdict === 'throttled') throttled.push(userId);
      if (verdict === 'sent')
        this.delivered.push({ kind: 'robot', toUserId: userId, toGroup: null, msgKey: String(b.msgKey), param, at: this.now() });
    }
    return ok({ processQueryKey: `pqk-${randomUUID()}`, invalidStaffIdList: invalid, flowControlledStaffIdList: throttled });
  }

  private groupSend(b: Record<string, unknown>): Answer {
    const group = String(b.openConversationId);
    if (!this.groups.has(group)) return err(400, 'resource.not.found', 'openConversationId');
    this.limiter.watchApp('groupSend');
    const param = JSON.parse(String(b.msgParam ?? '{}')) as Record<string, string>;
    this.delivered.push({ kind: 'robot', toUserId: null, toGroup: group, msgKey: String(b.msgKey), param, at: this.now() });
    return ok({ processQueryKey: `pqk-${randomUUID()}` });
  }

  private createCard(b: Record<string, unknown>): Answer {
    const refused = this.cardStore.refuseCreate(b, (userId) => this.people.has(userId));
    if (refused) return refused;
    this.limiter.watchApp('createAndDeliver');
    const outTrackId = String(b.outTrackId);
    const delivered = (success: boolean, errorMsg?: string) =>
      ok({ success: true, result: { outTrackId, deliverResults: [{ success, ...(errorMsg ? { errorMsg } : {}) }] } });
    // the same out-track id again is the same card: nothing new in the chat
    if (this.cards.has(outTrackId)) return delivered(true);
    const toUserId = /IM_ROBOT\.(.+)$/.exec(String(b.openSpaceId))?.[1] ?? null;
    if (toUserId) {
      const verdict = this.limiter.admit(toUserId, `card|${outTrackId}`);
      // flow control is told per space in deliverResults; what is over the day's budget vanishes
      if (verdict === 'throttled') return delivered(false, '触发限流 flow controlled');
      if (verdict === 'dropped') return delivered(true);
    }
    const card = this.cardStore.create(b);
    this.delivered.push({ kind: 'card', toUserId: card.toUserId, toGroup: card.toGroup, outTrackId, at: this.now() });
    return delivered(true);
  }
}
