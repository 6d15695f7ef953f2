import { randomBytes } from 'node:crypto';

export interface FakeWeComUser {
  userid: string;
  name: string;
  mobile?: string;
  email?: string;
  biz_mail?: string;
}

export interface FakeWeComMessage {
  msgid: string;
  touser: string;
  msgtype: string;
  /** text/markdown content, or the template card as it is drawn now (after any update) */
  content: Record<string, unknown>;
  /** the same, as it was first sent */
  sent: Record<string, unknown>;
  taskId?: string;
  at: number;
}

export interface Fault {
  path: string;
  status?: number;
  errcode?: number;
  times: number;
}

/** WeCom's documented limits for one app to one member: 30 a minute and 1000 an hour, the rest silently dropped */
export const PER_MEMBER_PER_MIN = 30;
export const PER_MEMBER_PER_HOUR = 1000;
const CODE_VALID_MS = 72 * 3600_000;
/** message/send's duplicate check: 1800 s unless told, at most 4 hours */
const CHECK_DEFAULT_S = 1800;
const CHECK_MAX_S = 4 * 3600;

const id = (n = 16) => randomBytes(n).toString('hex');

/**
 * The state and rules of the fake WeCom server API: tokens, members, messages as delivered,
 * response codes (single use, 72 h), a template card's task_id taken once per app, and the
 * per-member limits as WeCom states them (im-platforms.md §3.5): over 30 a minute or 1000 an
 * hour the call still answers 0 and nothing arrives, and the member stays blocked for that
 * minute or hour; `dropped` counts what was lost, `droppedBy` says why and for whom.
 *
 * `enable_duplicate_check` as message/send documents it: within `duplicate_check_interval`
 * (1800 s by default, 4 h at most) a request whose JSON is the same as one taken is not
 * delivered again. What WeCom answers then is not documented; the fake answers 0 with the
 * first message's msgid, and counts it in `duplicates`. A suppressed request, like a refused
 * one, counts against no limit.
 */
export class FakeWeComApi {
  readonly users = new Map<string, FakeWeComUser>();
  readonly messages: FakeWeComMessage[] = [];
  readonly updates: { userid: string; responseCode: string; taskId: string; card: Record<string, unknown> }[] = [];
  readonly codes = new Map<string, { taskId: string; userid: string; at: number; used: boolean }>();
  readonly faults: Fault[] = [];
  dropped = 0;
  readonly droppedBy: Record<string, number> = {};
  duplicates = 0;
  /** template cards refused because their task_id was taken before */
  taskIdRefusals = 0;
  tokenCalls = 0;
  private readonly tokens = new Set<string>();
  private readonly sends = new Map<string, number[]>();
  private readonly blocked = new Map<string, { until: number; why: 'minute' | 'hour' }>();
  private readonly taken = new Map<string, { msgid: string; until: number }>();
  private readonly taskIds = new Set<string>();

  constructor(
    readonly corpId: string,
    readonly secret: string,
    readonly agentId: string,
    readonly now: () => number = Date.now,
  ) {}

  /** every token handed out so far stops working (WeCom's 42001) */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** a response code for a card shown to a member: with the send, and with every click */
  issueCode(taskId: string, userid: string): string {
    const code = `rc_${id(12)}`;
    this.codes.set(code, { taskId, userid, at: this.now(), used: false });
    return code;
  }

  messagesTo(userid: string): FakeWeComMessage[] {
    return this.messages.filter((m) => m.touser === userid);
  }

  handle(method: string, path: string, query: URLSearchParams, body: Record<string, unknown>): { status: number; json: unknown } {
    const fault = this.faults.find((f) => f.path === path && f.times > 0);
    if (fault) {
      fault.times--;
      if (fault.status) return { status: fault.status, json: { errcode: -1, errmsg: 'injected' } };
      return ok({ errcode: fault.errcode, errmsg: 'injected' });
    }
    if (path === '/cgi-bin/gettoken' && method === 'GET') {
      this.tokenCalls++;
      if (query.get('corpid') !== this.corpId) return ok({ errcode: 40013, errmsg: 'invalid corpid' });
      if (query.get('corpsecret') !== this.secret) return ok({ errcode: 40001, errmsg: 'invalid credential' });
      const token = id();
      this.tokens.add(token);
      return ok({ errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
    const token = query.get('access_token');
    if (!token) return ok({ errcode: 41001, errmsg: 'access_token missing' });
    if (!this.tokens.has(token)) return ok({ errcode: 42001, errmsg: 'access_token expired' });
    switch (`${method} ${path}`) {
      case 'POST /cgi-bin/message/send':
        return this.send(body);
      case 'POST /cgi-bin/message/update_template_card':
        return this.update(body);
      case 'GET /cgi-bin/user/get': {
        const u = this.users.get(query.get('userid') ?? '');
        return u ? ok({ errcode: 0, errmsg: 'ok', ...u }) : ok({ errcode: 60111, errmsg: 'userid not found' });
      }
      case 'POST /cgi-bin/user/getuserid': {
        const mobile = String(body.mobile ?? '');
        const u = [...this.users.values()].find((x) => x.mobile && x.mobile.replace(/\D/g, '').slice(-11) === mobile);
        return u ? ok({ errcode: 0, errmsg: 'ok', userid: u.userid }) : ok({ errcode: 46004, errmsg: 'user not exist' });
      }
      case 'POST /cgi-bin/user/get_userid_by_email': {
        const email = String(body.email ?? '').toLowerCase();
        const field = body.email_type === 2 ? 'email' : 'biz_mail';
        const u = [...this.users.values()].find((x) => x[field]?.toLowerCase() === email);
        return u ? ok({ errcode: 0, errmsg: 'ok', userid: u.userid }) : ok({ errcode: 46004, errmsg: 'user not exist' });
      }
    }
    return { status: 404, json: { errcode: 404, errmsg: 'no such api' } };
  }

  private send(b: Record<string, unknown>) {
    if (String(b.agentid) !== this.agentId) return ok({ errcode: 40056, errmsg: 'invalid agentid' });
    const touser = String(b.touser ?? '');
    if (!this.users.has(touser)) return ok({ errcode: 0, errmsg: 'ok', invaliduser: touser, msgid: '' });
    const msgtype = String(b.msgtype);
    const content = (b[msgtype] ?? {}) as Record<string, unknown>;
    if ((msgtype === 'text' || msgtype === 'markdown') && Buffer.byteLength(String(content.content ?? '')) > 2048)
      return ok({ errcode: 44004, errmsg: 'content size out of limit' });
    const request = JSON.stringify(b);
    const same = b.enable_duplicate_check === 1 ? this.taken.get(request) : undefined;
    if (same && same.until > this.now()) {
      this.duplicates++;
      return ok({ errcode: 0, errmsg: 'ok', invaliduser: '', msgid: same.msgid });
    }
    const taskId = msgtype === 'template_card' ? String(content.task_id ?? '') : undefined;
    if (taskId !== undefined && (!taskId || this.taskIds.has(taskId))) {
      if (taskId) this.taskIdRefusals++;
      return ok({ errcode: 40058, errmsg: `invalid task_id: ${taskId ? 'used before' : 'missing'}` });
    }
    if (taskId) this.taskIds.add(taskId);
    const msgid = `msg_${id(8)}`;
    if (b.enable_duplicate_check === 1) {
      const interval = Math.min(Number(b.duplicate_check_interval ?? CHECK_DEFAULT_S), CHECK_MAX_S);
      this.taken.set(request, { msgid, until: this.now() + interval * 1000 });
    }
    const responseCode = taskId ? this.issueCode(taskId, touser) : undefined;
    // over the member's limits WeCom answers as if sent and nothing arrives
    const over = this.overLimit(touser);
    if (over) {
      this.dropped++;
      this.droppedBy[`${over}:${touser}`] = (this.droppedBy[`${over}:${touser}`] ?? 0) + 1;
    } else {
      const shown = { msgid, touser, msgtype, content, sent: content, ...(taskId ? { taskId } : {}), at: this.now() };
      this.messages.push(shown);
    }
    return ok({ errcode: 0, errmsg: 'ok', invaliduser: '', msgid, ...(responseCode ? { response_code: responseCode } : {}) });
  }

  /** 'minute' or 'hour' when this message would be one too many (and blocks the member for that long), else null */
  private overLimit(touser: string): 'minute' | 'hour' | null {
    const now = this.now();
    const blocked = this.blocked.get(touser);
    if (blocked && blocked.until > now) return blocked.why;
    const recent = (this.sends.get(touser) ?? []).filter((at) => now - at < 3_600_000);
    this.sends.set(touser, recent);
    const inMinute = recent.filter((at) => now - at < 60_000).length;
    if (inMinute >= PER_MEMBER_PER_MIN) {
      this.blocked.set(touser, { until: now + 60_000, why: 'minute' });
      return 'minute';
    }
    if (recent.length >= PER_MEMBER_PER_HOUR) {
      this.blocked.set(touser, { until: now + 3_600_000, why: 'hour' });
      return 'hour';
    }
    recent.push(now);
    return null;
  }

  private update(b: Record<string, unknown>) {
    const code = this.codes.get(String(b.response_code ?? ''));
    if (!code || code.used || this.now() - code.at > CODE_VALID_MS) return ok({ errcode: 40078, errmsg: 'invalid response_code' });
    code.used = true;
    const card = (b.template_card ?? {}) as Record<string, unknown>;
    this.updates.push({ userid: code.userid, responseCode: String(b.response_code), taskId: code.taskId, card });
    const shown = this.messages.find((m) => m.taskId === code.taskId);
    if (shown) shown.content = card;
    return ok({ errcode: 0, errmsg: 'ok', invaliduser: [] });
  }
}

const ok = (json: unknown) => ({ status: 200, json });
