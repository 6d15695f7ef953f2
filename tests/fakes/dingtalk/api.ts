import { createHash, randomUUID } from 'node:crypto';

/**
 * The state and the HTTP answers of a loopback DingTalk: the new API (api.dingtalk.com:
 * oauth2, robot messages, interactive cards, the stream gateway's connections/open) and the
 * old one (oapi.dingtalk.com: the user directory). Like DingTalk it drops silently what is
 * over a person's daily budget and what repeats content that person got today, and reports
 * throttling per minute in `flowControlledStaffIdList` (im-platforms.md §2.2, §2.6). Every
 * drop is counted, so a test can assert there were none.
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

export interface FakeCard {
  outTrackId: string;
  toUserId: string | null;
  toGroup: string | null;
  params: Record<string, string>;
  updates: number;
  callbackType: string;
}

export interface FakeLimits {
  perUserPerMinute: number;
  perUserPerDay: number;
}

export type Answer = { status: number; body: unknown };

const ok = (body: unknown): Answer => ({ status: 200, body });
const err = (status: number, code: string, message: string): Answer => ({ status, body: { code, message, requestid: randomUUID() } });
const DAY_MS = 86_400_000;

export class FakeDingTalkState {
  readonly clientId = 'dingfake0000000001';
  readonly clientSecret = 'fake-secret-0123456789abcdef';
  readonly corpId = 'dingcorp0001';
  readonly chatbotUserId = '$:LWCP_v1:$fakebot';
  readonly people = new Map<string, FakePerson>();
  readonly groups = new Map<string, { name: string; members: string[] }>();
  readonly delivered: FakeDelivered[] = [];
  readonly cards = new Map<string, FakeCard>();
  readonly drops = { overBudget: 0, identical: 0, flowControlled: 0 };
  limits: FakeLimits = { perUserPerMinute: 20, perUserPerDay: 500 };
  /** answers the next n API calls (whose path starts with `prefix`) with this status */
  private faults: { prefix: string; status: number; left: number }[] = [];
  private readonly tokens = new Set<string>();
  private readonly sentTo = new Map<string, number[]>();
  private readonly contentSeen = new Set<string>();
  readonly tickets = new Set<string>();
  requests: { method: string; path: string; status: number }[] = [];

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
    if (method === 'POST' && path === '/v1.0/robot/oToMessages/batchSend') return this.batchSend(body);
    if (method === 'POST' && path === '/v1.0/robot/groupMessages/send') return this.groupSend(body);
    if (method === 'POST' && path === '/v1.0/card/instances/createAndDeliver') return this.createCard(body);
    if (method === 'PUT' && path === '/v1.0/card/instances') return this.updateCard(body);
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

  /** 'sent', 'throttled' (reported back) or a silent drop, as DingTalk decides per person */
  private admit(userId: string, content: string): 'sent' | 'throttled' | 'dropped' {
    const now = Date.now();
    const times = (this.sentTo.get(userId) ?? []).filter((t) => now - t < DAY_MS);
    if (times.filter((t) => now - t < 60_000).length >= this.limits.perUserPerMinute) {
      this.drops.flowControlled++;
      return 'throttled';
    }
    if (times.length >= this.limits.perUserPerDay) {
      this.drops.overBudget++;
      return 'dropped';
    }
    const key = `${userId}|${Math.floor(now / DAY_MS)}|${createHash('sha1').update(content).digest('hex')}`;
    if (this.contentSeen.has(key)) {
      this.drops.identical++;
      return 'dropped';
    }
    this.contentSeen.add(key);
    times.push(now);
    this.sentTo.set(userId, times);
    return 'sent';
  }

  private batchSend(b: Record<string, unknown>): Answer {
    if (b.robotCode !== this.clientId) return err(400, 'invalidParameter.robotCode', 'robotCode');
    const param = JSON.parse(String(b.msgParam ?? '{}')) as Record<string, string>;
    const invalid: string[] = [];
    const throttled: string[] = [];
    for (const userId of (b.userIds as string[]) ?? []) {
      if (!this.people.has(userId)) {
        invalid.push(userId);
        continue;
      }
      const verdict = this.admit(userId, `${b.msgKey}|${b.msgParam}`);
      if (verdict === 'throttled') throttled.push(userId);
      if (verdict === 'sent')
        this.delivered.push({ kind: 'robot', toUserId: userId, toGroup: null, msgKey: String(b.msgKey), param, at: Date.now() });
    }
    return ok({ processQueryKey: `pqk-${randomUUID()}`, invalidStaffIdList: invalid, flowControlledStaffIdList: throttled });
  }

  private groupSend(b: Record<string, unknown>): Answer {
    const group = String(b.openConversationId);
    if (!this.groups.has(group)) return err(400, 'resource.not.found', 'openConversationId');
    const param = JSON.parse(String(b.msgParam ?? '{}')) as Record<string, string>;
    this.delivered.push({ kind: 'robot', toUserId: null, toGroup: group, msgKey: String(b.msgKey), param, at: Date.now() });
    return ok({ processQueryKey: `pqk-${randomUUID()}` });
  }

  private createCard(b: Record<string, unknown>): Answer {
    const outTrackId = String(b.outTrackId ?? '');
    const space = String(b.openSpaceId ?? '');
    const params = (b.cardData as { cardParamMap?: Record<string, unknown> } | undefined)?.cardParamMap ?? {};
    if (!outTrackId || !b.cardTemplateId) return err(400, 'invalidParameter', 'outTrackId, cardTemplateId');
    if (Object.values(params).some((v) => typeof v !== 'string'))
      return err(400, 'invalidParameter.cardParamMap', 'values must be strings');
    // the same out-track id again is the same card: nothing new in the chat
    if (this.cards.has(outTrackId)) return ok({ success: true, result: { outTrackId, deliverResults: [{ success: true }] } });
    const m = /^dtv1\.card\/\/IM_(ROBOT|GROUP)\.(.+)$/.exec(space);
    if (!m) return err(400, 'invalidParameter.openSpaceId', space);
    const toUserId = m[1] === 'ROBOT' ? (m[2] as string) : null;
    const toGroup = m[1] === 'GROUP' ? (m[2] as string) : null;
    if (toUserId && !this.people.has(toUserId)) return err(400, 'invalidParameter.userId', toUserId);
    if (toUserId && this.admit(toUserId, `card|${outTrackId}`) !== 'sent') return ok({ success: true, result: { outTrackId } });
    this.cards.set(outTrackId, {
      outTrackId,
      toUserId,
      toGroup,
      params: params as Record<string, string>,
      updates: 0,
      callbackType: String(b.callbackType),
    });
    this.delivered.push({ kind: 'card', toUserId, toGroup, outTrackId, at: Date.now() });
    return ok({ success: true, result: { outTrackId, deliverResults: [{ success: true, spaceId: m[2] }] } });
  }

  private updateCard(b: Record<string, unknown>): Answer {
    const card = this.cards.get(String(b.outTrackId));
    if (!card) return err(400, 'cardNotExist', String(b.outTrackId));
    const params = (b.cardData as { cardParamMap?: Record<string, string> } | undefined)?.cardParamMap ?? {};
    card.params = { ...card.params, ...params };
    card.updates++;
    return ok({ success: true, result: true });
  }
}
