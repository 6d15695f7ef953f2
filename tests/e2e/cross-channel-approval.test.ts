import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import { cardIn, consoleApi, type Pushed, textOf } from './app';
import { LarkPerson, type LarkWorld, startLarkWorld, until } from './lark-app';
import { cardIdsOf, statusOf } from './lark-cards';

/**
 * One approval, copies on two channels: 王芳 is on Lark and in the console. Her card reaches
 * both; she decides on Lark; the console copy updates in place, and a click on it is refused
 * saying who decided, when and where. (DingTalk and WeCom join this once their channels land.)
 */
describe('one approval answered from one channel, its copy on another refused', () => {
  let w: LarkWorld;
  beforeAll(async () => {
    w = await startLarkWorld('ws');
  }, 120_000);
  afterAll(async () => w?.close());

  it('decided on Lark: the console copy shows the decision, and a late click there is told it was decided on 飞书', async () => {
    const api = consoleApi(w.app.base);
    const rep = new LarkPerson(w.fake, 'zhangwei');
    const wang = new LarkPerson(w.fake, 'wangfang');
    const quote = await rep.ask('报价 华东机电 A100×100 折扣8%', '草稿');
    await rep.click(quote, 'quote.submit');
    const larkCopy = await wang.pushed(/待 王芳 审批/);
    const cardId = cardIdsOf(larkCopy.content)[0] as string;
    expect(cardId).toMatch(/^approval:\d+$/);
    const isCard = (m: Pushed) => m.reply.kind === 'card' && m.reply.card.id === cardId;
    const consoleCopy = await api.waitForPush('wangfang', cardId, isCard);
    const consoleCard = (consoleCopy.reply as { card: Card }).card;
    expect(consoleCard.buttons?.map((b) => b.action)).toEqual(['approval.approve', 'approval.reject']);

    await wang.click(larkCopy, 'approval.approve');
    const decided = await api.waitForPush('wangfang', 'the decided card', (m) => isCard(m) && m.kind === 'card_update');
    const now = (decided.reply as { card: Card }).card;
    expect(now.status?.text).toMatch(/^王芳 已同意 · \d\d-\d\d \d\d:\d\d · 经飞书$/);
    expect(now.buttons ?? []).toEqual([]);
    await until('the Lark copy decided', () =>
      /^王芳 已同意/.test(statusOf(w.fake.currentContent(larkCopy.messageId))) ? true : undefined,
    );

    // the console copy as it was before the update: a click on it reaches the flow and is refused
    const late = await api.click('wangfang', consoleCard, 'approval.approve');
    expect(textOf(late)).toMatch(/该审批已由 王芳 于 \d\d-\d\d \d\d:\d\d 在飞书 同意，无需重复操作/);
    expect(cardIn(late, cardId).buttons ?? []).toEqual([]);
  }, 180_000);
});
