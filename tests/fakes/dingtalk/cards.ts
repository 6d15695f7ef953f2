/**
 * Interactive cards in the loopback DingTalk (im-platforms.md §2.3): created once per
 * out-track id, updated in place by it (PUT /v1.0/card/instances) or by the answer to an HTTP
 * card callback, and the HTTP callback routes an app registers (POST /v1.0/card/callbacks/register:
 * a route key, the URL clicks are POSTed to, and the secret they are signed with).
 */
export interface FakeCard {
  outTrackId: string;
  toUserId: string | null;
  toGroup: string | null;
  /** the card as drawn now */
  params: Record<string, string>;
  /** the card as it was first sent */
  initial: Record<string, string>;
  updates: number;
  /** how each redraw came: the update API, or the answer to an HTTP callback */
  updatedBy: { api: number; callback: number };
  callbackType: string;
  callbackRouteKey: string | null;
}

export interface CallbackRoute {
  url: string;
  apiSecret: string;
}

export type CardAnswer = { status: number; body: unknown };

const bad = (code: string, message: string): CardAnswer => ({ status: 400, body: { code, message } });
const ok = (result: unknown): CardAnswer => ({ status: 200, body: { success: true, result } });

export class FakeCards {
  readonly cards = new Map<string, FakeCard>();
  readonly routes = new Map<string, CallbackRoute>();

  register(b: Record<string, unknown>): CardAnswer {
    const key = String(b.callbackRouteKey ?? '');
    const url = String(b.callbackUrl ?? '');
    if (!key || !/^https?:\/\//.test(url)) return bad('invalidParameter', 'callbackRouteKey, callbackUrl');
    if (this.routes.has(key) && b.forceUpdate !== true) return bad('callbackRouteKey.exists', key);
    const apiSecret = String(b.apiSecret ?? '');
    this.routes.set(key, { url, apiSecret });
    return ok({ callbackUrl: url, apiSecret });
  }

  /** checks the request; null when it is fine to deliver (the caller counts it against the limits) */
  refuseCreate(b: Record<string, unknown>, known: (userId: string) => boolean): CardAnswer | null {
    const params = (b.cardData as { cardParamMap?: Record<string, unknown> } | undefined)?.cardParamMap ?? {};
    if (!b.outTrackId || !b.cardTemplateId) return bad('invalidParameter', 'outTrackId, cardTemplateId');
    if (Object.values(params).some((v) => typeof v !== 'string')) return bad('invalidParameter.cardParamMap', 'values must be strings');
    if (b.callbackType === 'HTTP' && !this.routes.has(String(b.callbackRouteKey ?? '')))
      return bad('invalidParameter.callbackRouteKey', 'an HTTP card needs a registered callbackRouteKey');
    const space = spaceOf(b);
    if (!space) return bad('invalidParameter.openSpaceId', String(b.openSpaceId));
    if (space.toUserId && !known(space.toUserId)) return bad('invalidParameter.userId', space.toUserId);
    return null;
  }

  create(b: Record<string, unknown>): FakeCard {
    const outTrackId = String(b.outTrackId);
    const params = { ...((b.cardData as { cardParamMap: Record<string, string> }).cardParamMap ?? {}) };
    const space = spaceOf(b) as { toUserId: string | null; toGroup: string | null };
    const card: FakeCard = {
      outTrackId,
      ...space,
      params,
      initial: { ...params },
      updates: 0,
      updatedBy: { api: 0, callback: 0 },
      callbackType: String(b.callbackType),
      callbackRouteKey: b.callbackRouteKey ? String(b.callbackRouteKey) : null,
    };
    this.cards.set(outTrackId, card);
    return card;
  }

  update(b: Record<string, unknown>): CardAnswer {
    const card = this.cards.get(String(b.outTrackId));
    if (!card) return bad('cardNotExist', String(b.outTrackId));
    this.redraw(card, (b.cardData as { cardParamMap?: Record<string, string> } | undefined)?.cardParamMap, 'api');
    return ok(true);
  }

  /** what an HTTP card callback was answered with, applied as DingTalk applies it */
  applyAnswer(outTrackId: string, answer: unknown): void {
    const card = this.cards.get(outTrackId);
    const params = (answer as { cardData?: { cardParamMap?: Record<string, string> } } | null)?.cardData?.cardParamMap;
    if (card && params) this.redraw(card, params, 'callback');
  }

  private redraw(card: FakeCard, params: Record<string, string> | undefined, by: 'api' | 'callback'): void {
    card.params = { ...card.params, ...(params ?? {}) };
    card.updates++;
    card.updatedBy[by]++;
  }
}

function spaceOf(b: Record<string, unknown>): { toUserId: string | null; toGroup: string | null } | null {
  const m = /^dtv1\.card\/\/IM_(ROBOT|GROUP)\.(.+)$/.exec(String(b.openSpaceId ?? ''));
  if (!m) return null;
  return m[1] === 'ROBOT' ? { toUserId: m[2] as string, toGroup: null } : { toUserId: null, toGroup: m[2] as string };
}
