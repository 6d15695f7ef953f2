import * as $Card from '@alicloud/dingtalk/dist/card_1_0/client';
import * as $OAuth2 from '@alicloud/dingtalk/dist/oauth2_1_0/client';
import * as $Robot from '@alicloud/dingtalk/dist/robot_1_0/client';
import * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { DeliveryError } from '../../delivery/delivery-error';

export interface DingTalkApiOptions {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  cardTemplateId: string;
  apiBase: string;
  oapiBase: string;
  now?: () => number;
}

export type RobotMessage = { msgKey: 'sampleText'; content: string } | { msgKey: 'sampleMarkdown'; title: string; text: string };

export interface DingTalkPerson {
  userId: string;
  name?: string;
  mobile?: string;
  email?: string;
  jobNumber?: string;
}

/** refreshed this long before DingTalk says the token expires */
const TOKEN_MARGIN_MS = 5 * 60_000;

/**
 * DingTalk's open API as the channel uses it: the robot's one-to-one and group messages,
 * interactive cards created with our out-track id and updated in place by it, and the user
 * directory on oapi. The access token is cached here (the SDK keeps none) and sent on every
 * call: the SDK's one-argument methods send no token (im-platforms.md §2.2).
 */
export function createDingTalkApi(o: DingTalkApiOptions) {
  const now = o.now ?? Date.now;
  const base = new URL(o.apiBase);
  const sdkConfig = () =>
    new $OpenApi.Config({ protocol: base.protocol.replace(':', ''), endpoint: base.host, regionId: 'central', readTimeout: 10_000 });
  const oauth = new $OAuth2.default(sdkConfig());
  const robot = new $Robot.default(sdkConfig());
  const card = new $Card.default(sdkConfig());
  const runtime = () => new $Util.RuntimeOptions({});
  let token: { value: string; until: number } | null = null;
  let fetching: Promise<string> | null = null;

  async function accessToken(): Promise<string> {
    if (token && now() < token.until) return token.value;
    fetching ??= (async () => {
      try {
        const res = await call(() =>
          oauth.getAccessTokenWithOptions(
            new $OAuth2.GetAccessTokenRequest({ appKey: o.clientId, appSecret: o.clientSecret }),
            {},
            runtime(),
          ),
        );
        const value = res.body?.accessToken ?? '';
        if (!value) throw new DeliveryError('钉钉 dingtalk: no access token in the answer', { retryable: true });
        token = { value, until: now() + Number(res.body?.expireIn ?? 7200) * 1000 - TOKEN_MARGIN_MS };
        return value;
      } finally {
        fetching = null;
      }
    })();
    return fetching;
  }

  /** each call with a fresh token; a token DingTalk no longer takes is dropped and asked once more */
  async function authed<T>(run: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(async () => run(await accessToken()));
    } catch (e) {
      if (e instanceof DeliveryError && e.code === 'InvalidAuthentication') {
        token = null;
        return call(async () => run(await accessToken()));
      }
      throw e;
    }
  }

  const robotCode = o.robotCode || o.clientId;
  const msgParam = (m: RobotMessage) =>
    JSON.stringify(m.msgKey === 'sampleText' ? { content: m.content } : { title: m.title, text: m.text });

  async function oapi(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return authed(async (t) => {
      const url = new URL(path, o.oapiBase);
      url.searchParams.set('access_token', t);
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      } catch (e) {
        throw new DeliveryError(`钉钉 dingtalk oapi: ${(e as Error).message}`, { retryable: true });
      }
      if (res.status >= 500) throw new DeliveryError(`钉钉 dingtalk oapi: HTTP ${res.status}`, { retryable: true });
      return (await res.json()) as Record<string, unknown>;
    });
  }

  return {
    robotCode,
    cardTemplateId: o.cardTemplateId,
    accessToken,

    /** one-to-one; a user DingTalk throttles right now comes back as a rate-limited error */
    async sendToUser(userId: string, m: RobotMessage): Promise<string> {
      const res = await authed((t) =>
        robot.batchSendOTOWithOptions(
          new $Robot.BatchSendOTORequest({ robotCode, userIds: [userId], msgKey: m.msgKey, msgParam: msgParam(m) }),
          new $Robot.BatchSendOTOHeaders({ xAcsDingtalkAccessToken: t }),
          runtime(),
        ),
      );
      const b = res.body;
      if (b?.flowControlledStaffIdList?.includes(userId))
        throw new DeliveryError('钉钉 dingtalk: flow controlled', {
          retryable: true,
          rateLimited: true,
          retryAfterMs: 60_000,
          code: 'flowControlled',
        });
      if (b?.invalidStaffIdList?.includes(userId))
        throw new DeliveryError('钉钉 dingtalk: invalid staff id', { retryable: false, code: 'invalidStaff' });
      return b?.processQueryKey ?? '';
    },

    async sendToGroup(openConversationId: string, m: RobotMessage): Promise<string> {
      const res = await authed((t) =>
        robot.orgGroupSendWithOptions(
          new $Robot.OrgGroupSendRequest({ robotCode, openConversationId, msgKey: m.msgKey, msgParam: msgParam(m) }),
          new $Robot.OrgGroupSendHeaders({ xAcsDingtalkAccessToken: t }),
          runtime(),
        ),
      );
      return res.body?.processQueryKey ?? '';
    },

    /**
     * HTTP mode: where DingTalk POSTs the clicks on cards created with this route key, and the
     * secret it signs them with (POST /v1.0/card/callbacks/register, replacing what was there)
     */
    async registerCardCallback(r: { routeKey: string; url: string; apiSecret: string }): Promise<void> {
      await authed((t) =>
        card.registerCallbackWithOptions(
          new $Card.RegisterCallbackRequest({
            callbackRouteKey: r.routeKey,
            callbackUrl: r.url,
            apiSecret: r.apiSecret,
            forceUpdate: true,
          }),
          new $Card.RegisterCallbackHeaders({ xAcsDingtalkAccessToken: t }),
          runtime(),
        ),
      );
    },

    /** an interactive card to one person (or a group), callbacks through the stream or an HTTP route */
    async createCard(c: {
      outTrackId: string;
      params: Record<string, string>;
      userId?: string;
      openConversationId?: string;
      callbackType: 'STREAM' | 'HTTP';
      callbackRouteKey?: string;
    }) {
      const group = !!c.openConversationId;
      const res = await authed((t) =>
        card.createAndDeliverWithOptions(
          new $Card.CreateAndDeliverRequest({
            cardTemplateId: o.cardTemplateId,
            outTrackId: c.outTrackId,
            callbackType: c.callbackType,
            ...(c.callbackRouteKey ? { callbackRouteKey: c.callbackRouteKey } : {}),
            cardData: new $Card.CreateAndDeliverRequestCardData({ cardParamMap: c.params }),
            userIdType: 1,
            openSpaceId: group ? `dtv1.card//IM_GROUP.${c.openConversationId}` : `dtv1.card//IM_ROBOT.${c.userId}`,
            ...(group
              ? {
                  imGroupOpenSpaceModel: new $Card.CreateAndDeliverRequestImGroupOpenSpaceModel({ supportForward: true }),
                  imGroupOpenDeliverModel: new $Card.CreateAndDeliverRequestImGroupOpenDeliverModel({ robotCode }),
                }
              : {
                  imRobotOpenSpaceModel: new $Card.CreateAndDeliverRequestImRobotOpenSpaceModel({ supportForward: true }),
                  imRobotOpenDeliverModel: new $Card.CreateAndDeliverRequestImRobotOpenDeliverModel({ spaceType: 'IM_ROBOT' }),
                }),
          }),
          new $Card.CreateAndDeliverHeaders({ xAcsDingtalkAccessToken: t }),
          runtime(),
        ),
      );
      // the card is made, but not in the chat: tried again later with the same out-track id
      const failed = res.body?.result?.deliverResults?.find((d) => d.success === false);
      if (failed)
        throw new DeliveryError(`钉钉 dingtalk: card not delivered: ${failed.errorMsg ?? 'no reason given'}`, {
          retryable: true,
          retryAfterMs: 60_000,
          code: 'deliverFailed',
        });
      return c.outTrackId;
    },

    async updateCard(outTrackId: string, params: Record<string, string>): Promise<void> {
      await authed((t) =>
        card.updateCardWithOptions(
          new $Card.UpdateCardRequest({
            outTrackId,
            cardData: new $Card.UpdateCardRequestCardData({ cardParamMap: params }),
            cardUpdateOptions: new $Card.UpdateCardRequestCardUpdateOptions({ updateCardDataByKey: true, updatePrivateDataByKey: true }),
          }),
          new $Card.UpdateCardHeaders({ xAcsDingtalkAccessToken: t }),
          runtime(),
        ),
      );
    },

    async userById(userId: string): Promise<DingTalkPerson | null> {
      const r = await oapi('/topapi/v2/user/get', { userid: userId, language: 'zh_CN' });
      if (r.errcode !== 0) return null;
      const u = r.result as { userid: string; name?: string; mobile?: string; email?: string; org_email?: string; job_number?: string };
      return { userId: u.userid, name: u.name, mobile: u.mobile, email: u.email || u.org_email, jobNumber: u.job_number };
    },

    async userIdByMobile(mobile: string): Promise<string | null> {
      const r = await oapi('/topapi/v2/user/getbymobile', { mobile: mobile.replace(/\D/g, '').slice(-11) });
      return r.errcode === 0 ? ((r.result as { userid?: string }).userid ?? null) : null;
    },
  };
}

export type DingTalkApi = ReturnType<typeof createDingTalkApi>;

/** an SDK error (e.code, e.statusCode) as a DeliveryError: network and 5xx retryable, 429 rate-limited */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof DeliveryError) throw e;
    const err = e as { code?: string; statusCode?: number; message?: string };
    const status = err.statusCode ?? 0;
    throw new DeliveryError(`钉钉 dingtalk: ${err.message ?? String(e)}`, {
      retryable: status === 0 || status >= 500 || status === 429,
      rateLimited: status === 429,
      code: err.code ?? status,
    });
  }
}
