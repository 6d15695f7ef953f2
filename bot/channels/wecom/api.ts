import { DeliveryError } from '../../delivery/delivery-error';

/** errcodes that mean the access token is no good any more: fetch a new one and try once more */
const TOKEN_CODES = new Set([40014, 42001, 41001]);
/** WeCom's "system busy" and frequency answers: trying again later can help */
const RETRYABLE_CODES = new Set([-1, 45009, 45033, 45047]);
const TIMEOUT_MS = 10_000;

export interface WeComPerson {
  userid: string;
  name?: string;
  mobile?: string;
  email?: string;
  biz_mail?: string;
}

export interface WeComSent {
  msgid: string;
  /** cards with buttons: the code that allows one update_template_card within 72 h */
  responseCode: string | null;
}

export type WeComApi = ReturnType<typeof createWeComApi>;

/**
 * The few WeCom server API calls the channel makes, plain HTTPS+JSON (no SDK is needed or
 * recommended, im-platforms.md §3.3). Every answer is HTTP 200 with an errcode, so errcode≠0
 * becomes a DeliveryError here; the access token is cached and fetched again when WeCom says
 * it is invalid or expired.
 */
export function createWeComApi(o: { apiBase: string; corpId: string; secret: string; agentId: string; now?: () => number }) {
  const now = o.now ?? Date.now;
  const base = o.apiBase.replace(/\/+$/, '');
  let token: { value: string; until: number } | null = null;
  let fetching: Promise<string> | null = null;

  async function http(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new DeliveryError(`wecom ${path}: ${(e as Error).message}`, { retryable: true });
    }
    if (res.status === 429) throw new DeliveryError(`wecom ${path}: HTTP 429`, { retryable: true, rateLimited: true, limitScope: 'app' });
    if (res.status >= 500) throw new DeliveryError(`wecom ${path}: HTTP ${res.status}`, { retryable: true, code: res.status });
    if (res.status !== 200) throw new DeliveryError(`wecom ${path}: HTTP ${res.status}`, { retryable: false, code: res.status });
    try {
      return (await res.json()) as Record<string, unknown>;
    } catch {
      throw new DeliveryError(`wecom ${path}: not JSON`, { retryable: true });
    }
  }

  async function accessToken(): Promise<string> {
    if (token && token.until > now()) return token.value;
    fetching ??= (async () => {
      const q = new URLSearchParams({ corpid: o.corpId, corpsecret: o.secret });
      const r = await http('GET', `/cgi-bin/gettoken?${q}`);
      if (r.errcode !== 0 || typeof r.access_token !== 'string') throw classify('/cgi-bin/gettoken', r);
      // renewed 5 minutes before WeCom's own expiry, so a send never carries one about to lapse
      token = { value: r.access_token, until: now() + (Number(r.expires_in ?? 7200) - 300) * 1000 };
      return r.access_token;
    })().finally(() => {
      fetching = null;
    });
    return fetching;
  }

  /** one authorised call; a token WeCom no longer accepts is replaced and the call made once more */
  async function call(method: 'GET' | 'POST', path: string, body?: unknown, query: Record<string, string> = {}) {
    for (let attempt = 0; ; attempt++) {
      const q = new URLSearchParams({ access_token: await accessToken(), ...query });
      const r = await http(method, `${path}?${q}`, body);
      if (r.errcode === 0 || r.errcode === undefined) return r;
      if (TOKEN_CODES.has(Number(r.errcode)) && attempt === 0) {
        token = null;
        continue;
      }
      throw classify(path, r);
    }
  }

  const send = async (touser: string, msg: Record<string, unknown>): Promise<WeComSent> => {
    const r = await call('POST', '/cgi-bin/message/send', { touser, agentid: Number(o.agentId), ...msg });
    // WeCom answers 0 and names the userid in invaliduser when it is not (or no longer) a member
    if (typeof r.invaliduser === 'string' && r.invaliduser.split('|').includes(touser))
      throw new DeliveryError(`wecom send: invalid user ${touser}`, { retryable: false, code: 'invaliduser' });
    return { msgid: String(r.msgid ?? ''), responseCode: typeof r.response_code === 'string' ? r.response_code : null };
  };

  return {
    accessToken,
    /** with `duplicateCheckS`, WeCom drops a request identical to one it took within that many seconds (and answers 0) */
    sendText: (touser: string, content: string, o: { duplicateCheckS?: number } = {}) =>
      send(touser, {
        msgtype: 'text',
        text: { content },
        ...(o.duplicateCheckS ? { enable_duplicate_check: 1, duplicate_check_interval: o.duplicateCheckS } : {}),
      }),
    sendMarkdown: (touser: string, content: string) => send(touser, { msgtype: 'markdown', markdown: { content } }),
    sendCard: (touser: string, card: Record<string, unknown>) => send(touser, { msgtype: 'template_card', template_card: card }),
    /** replaces a card the user was sent; the code is spent whether or not it works */
    async updateCard(userid: string, responseCode: string, card: Record<string, unknown>): Promise<void> {
      await call('POST', '/cgi-bin/message/update_template_card', {
        userids: [userid],
        agentid: Number(o.agentId),
        response_code: responseCode,
        template_card: card,
      });
    },
    /** a member by userid; null when WeCom does not know them */
    async user(userid: string): Promise<WeComPerson | null> {
      try {
        return (await call('GET', '/cgi-bin/user/get', undefined, { userid })) as unknown as WeComPerson;
      } catch (e) {
        if (e instanceof DeliveryError && e.code === '60111') return null;
        throw e;
      }
    },
    /** a member's userid by mobile, then by email (work email first, then personal); null when none */
    async userIdOf(p: { mobile?: string | null; email?: string | null }): Promise<string | null> {
      const found = async (path: string, body: Record<string, unknown>) => {
        try {
          const r = await call('POST', path, body);
          return typeof r.userid === 'string' ? r.userid : null;
        } catch (e) {
          if (e instanceof DeliveryError && !e.retryable) return null;
          throw e;
        }
      };
      if (p.mobile) {
        const id = await found('/cgi-bin/user/getuserid', { mobile: p.mobile.replace(/\D/g, '').slice(-11) });
        if (id) return id;
      }
      if (p.email) {
        for (const email_type of [1, 2]) {
          const id = await found('/cgi-bin/user/get_userid_by_email', { email: p.email, email_type });
          if (id) return id;
        }
      }
      return null;
    },
  };
}

/**
 * WeCom's answer to a template card whose task_id it has seen before. 40058 is its "invalid
 * parameter" code, which the fake gives for a used task_id; that WeCom gives this one for it
 * is not confirmed (im-platforms.md does not say), so the channel reads it as "already sent"
 * only for a task_id this delivery itself tried before.
 */
export const TASK_ID_USED = new Set(['40058']);

export function classify(path: string, r: Record<string, unknown>): DeliveryError {
  const code = Number(r.errcode);
  const msg = `wecom ${path}: ${code} ${String(r.errmsg ?? '')}`;
  if (code === 45009 || code === 45033 || code === 45047)
    return new DeliveryError(msg, { retryable: true, rateLimited: true, code, retryAfterMs: 60_000, limitScope: 'app' });
  return new DeliveryError(msg, { retryable: RETRYABLE_CODES.has(code), code });
}
