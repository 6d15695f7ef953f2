import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import { openDb } from '../../models/db';
import { type FakeDingTalk, startFakeDingTalk } from '../fakes/dingtalk';
import { type FakeWeCom, startFakeWeCom } from '../fakes/wecom';
import { cardIn, consoleApi, type Pushed, textOf } from './app';
import { LarkPerson, type LarkWorld, startLarkWorld, until } from './lark-app';
import { buttonsOf, cardIdsOf, statusOf } from './lark-cards';

/**
 * One approval, copies on several channels. 王芳 is on Lark, DingTalk, WeCom and in the
 * console: her approval card reaches all four. The first decision wins wherever it is made;
 * every other copy updates in place; a click on a stale copy is refused and says who decided,
 * when and where.
 */
describe('one approval, copies on Lark, DingTalk, WeCom and the console', () => {
  let w: LarkWorld;
  let wecom: FakeWeCom;
  let dingtalk: FakeDingTalk;
  beforeAll(async () => {
    wecom = await startFakeWeCom();
    dingtalk = await startFakeDingTalk();
    for (const login of ['wangfang', 'zhangwei'])
      wecom.addUser({ userid: login.toUpperCase(), name: login, biz_mail: `${login}@demo.q2c.cn` });
    w = await startLarkWorld('ws', {
      WECOM_CORP_ID: wecom.corpId,
      WECOM_AGENT_ID: wecom.agentId,
      WECOM_SECRET: wecom.secret,
      WECOM_TOKEN: wecom.token,
      WECOM_AES_KEY: wecom.aesKey,
      WECOM_API_BASE: wecom.apiBase,
      DINGTALK_CLIENT_ID: dingtalk.state.clientId,
      DINGTALK_CLIENT_SECRET: dingtalk.state.clientSecret,
      DINGTALK_CARD_TEMPLATE_ID: 'q2c-approval.schema',
      DINGTALK_API_BASE: dingtalk.base,
      DINGTALK_OAPI_BASE: dingtalk.base,
    });
    wecom.callbackUrl = `${w.app.base}/channels/wecom/callback`;
    // DingTalk finds someone who never wrote by mobile: the demo company's, as seeded
    const db = await openDb({ url: '', dataDir: w.dataDir });
    const wang = await db.models.User.findOne({ where: { login: 'wangfang' } });
    await db.close();
    dingtalk.addPerson({ userId: 'WANGFANG', name: '王芳', mobile: wang?.mobile ?? undefined });
    await dingtalk.gateway.waitForConnection();
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await wecom?.close();
    await dingtalk?.close();
  });

  const keysOf = (content: Record<string, unknown>) =>
    ((content.button_list ?? []) as { key: string }[]).map((b) => JSON.parse(b.key) as unknown[]);
  const wecomCardOf = (userid: string, cardId: string) =>
    wecom.api.messagesTo(userid).find((m) => m.msgtype === 'template_card' && keysOf(m.content).some((k) => k[0] === cardId));
  const wecomButton = (content: Record<string, unknown>, action: string) =>
    ((content.button_list ?? []) as { key: string }[]).find((b) => JSON.parse(b.key)[1] === action);

  it('decided on WeCom: the Lark, DingTalk and console copies show it, and late clicks on Lark and in the console are told it was decided on 企业微信', async () => {
    const api = consoleApi(w.app.base);
    const rep = new LarkPerson(w.fake, 'zhangwei');
    const wang = new LarkPerson(w.fake, 'wangfang');
    const quote = await rep.ask('报价 华东机电 A100×100 折扣8%', '草稿');
    await rep.click(quote, 'quote.submit');

    // the card reaches her on every channel she is on
    const larkCopy = await wang.pushed(/待 王芳 审批/);
    const cardId = cardIdsOf(larkCopy.content)[0] as string;
    expect(cardId).toMatch(/^approval:\d+$/);
    const larkApprove = buttonsOf(larkCopy.content).find((b) => b.value?.a === 'approval.approve');
    const isCard = (m: Pushed) => m.reply.kind === 'card' && m.reply.card.id === cardId;
    const consoleCard = ((await api.waitForPush('wangfang', cardId, isCard)).reply as { card: Card }).card;
    const wecomCopy = await until('the WeCom copy', () => wecomCardOf('WANGFANG', cardId));
    const dingCopy = await until('the DingTalk copy', () =>
      [...dingtalk.state.cards.values()].find((c) => c.toUserId === 'WANGFANG' && c.params.cardId === cardId),
    );
    expect(dingCopy.params.buttons).toContain('approval.approve');
    const approve = wecomButton(wecomCopy.content, 'approval.approve');
    expect(approve).toBeDefined();

    // she approves on WeCom
    const clicked = await wecom.click({ from: 'WANGFANG', taskId: wecomCopy.taskId as string, key: (approve as { key: string }).key });
    expect(clicked.status).toBe(200);
    const decided = /^王芳 已同意 · \d\d-\d\d \d\d:\d\d · 经企业微信$/;
    await until('the Lark copy decided', () => (decided.test(statusOf(w.fake.currentContent(larkCopy.messageId))) ? true : undefined));
    expect(buttonsOf(w.fake.currentContent(larkCopy.messageId))).toEqual([]);
    const consoleNow = await api.waitForPush('wangfang', 'the decided card', (m) => isCard(m) && m.kind === 'card_update');
    expect((consoleNow.reply as { card: Card }).card.status?.text).toMatch(decided);
    await until('the WeCom copy updated in place', () =>
      wecomButton(wecom.api.messagesTo('WANGFANG').find((m) => m.taskId === wecomCopy.taskId)?.content ?? {}, 'approval.approve')
        ? undefined
        : true,
    );
    expect(JSON.stringify(wecom.api.messagesTo('WANGFANG').find((m) => m.taskId === wecomCopy.taskId)?.content)).toContain('经企业微信');
    await until('the DingTalk copy updated in place', () => (decided.test(dingCopy.params.status ?? '') ? true : undefined));
    expect(dingCopy.params.buttons).not.toContain('approval.approve');
    // (a DingTalk card is redrawn in place on every client: no stale button is left there to click)

    // stale copies: the Lark card as it was, and the console card as it was
    const lateLark = await w.fake.clickCard({
      operatorOpenId: wang.openId,
      messageId: larkCopy.messageId,
      value: larkApprove?.value as Record<string, unknown>,
    });
    const toast = (lateLark.answer as { toast?: { content?: string } }).toast?.content ?? '';
    expect(toast).toMatch(/该审批已由 王芳 于 \d\d-\d\d \d\d:\d\d 在企业微信 同意/);
    const lateConsole = await api.click('wangfang', consoleCard, 'approval.approve');
    expect(textOf(lateConsole)).toMatch(/该审批已由 王芳 于 \d\d-\d\d \d\d:\d\d 在企业微信 同意，无需重复操作/);
    expect(cardIn(lateConsole, cardId).buttons ?? []).toEqual([]);
  }, 180_000);
});
