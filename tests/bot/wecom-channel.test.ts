import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTo } from '../../bot/outbox';
import type { FakeWeComMessage } from '../fakes/wecom';
import { until } from '../helpers/until';
import { startWeComHarness, useridOf, type WeComHarness } from '../helpers/wecom-harness';

const textOf = (m: FakeWeComMessage | undefined) => String(m?.content.content ?? '');
type Button = { text: string; key: string };
const buttonsOf = (m: FakeWeComMessage | undefined) => (m?.content.button_list ?? []) as Button[];

describe('the WeCom channel', () => {
  let h: WeComHarness;
  const to = (login: string) => h.fake.api.messagesTo(useridOf(login));

  beforeAll(async () => {
    // wangfang is in the directory by mobile only, liqiang by email only
    h = await startWeComHarness({ directory: (l) => (l === 'wangfang' ? 'mobile' : l === 'liqiang' ? 'email' : 'both') });
    h.fake.addUser({ userid: 'STRANGER', name: '路人甲', biz_mail: 'someone@elsewhere.cn' });
  }, 120_000);
  afterAll(async () => h?.close());

  it('answers the URL verification with the plain echo', async () => {
    const r = await h.fake.verifyUrl('1616140317555161061');
    expect(r).toEqual({ status: 200, text: '1616140317555161061' });
  });

  it('answers a text message with a message to the sender, binding them on first contact', async () => {
    const r = await h.fake.sendText({ from: useridOf('zhangwei'), text: 'A100还有多少' });
    expect(r.status).toBe(200);
    const [answer] = await until('the stock card', () => (to('zhangwei').length ? to('zhangwei') : undefined));
    expect(answer?.msgtype).toBe('template_card');
    expect(JSON.stringify(answer?.content)).toContain('A100');
    const binding = await h.t.db.models.ChannelIdentity.findOne({ where: { channel: 'wecom', externalId: useridOf('zhangwei') } });
    expect(binding?.userId).toBe(await h.userId('zhangwei'));
  });

  it('answers a stranger politely, runs nothing, and tells the admin once', async () => {
    const quotes = await h.t.db.models.Quote.count();
    await h.fake.sendText({ from: 'STRANGER', text: '报价 华东机电 A100×10' });
    await h.fake.sendText({ from: 'STRANGER', text: 'hello, stock of A100?' });
    const answers = await until('both refusals', () =>
      h.fake.api.messagesTo('STRANGER').length >= 2 ? h.fake.api.messagesTo('STRANGER') : undefined,
    );
    expect(answers.map(textOf).join('\n')).toContain('请联系管理员');
    expect(answers.map(textOf).join('\n')).toContain('Ask an administrator');
    await h.delivery.settled();
    expect(to('admin').filter((m) => textOf(m).includes('STRANGER'))).toHaveLength(1);
    expect(await h.t.db.models.Quote.count()).toBe(quotes);
    expect(await h.t.db.models.ChannelIdentity.count({ where: { externalId: 'STRANGER' } })).toBe(0);
  });

  it.each([
    ['wangfang', 'mobile'],
    ['liqiang', 'email'],
  ])('reaches %s, who never wrote, found by %s', async (login) => {
    const id = await h.userId(login);
    await pushTo(h.t.db, [id], { kind: 'text', text: '有一张报价等您审批' }, { dedupeKey: `first-contact-${login}` });
    await h.delivery.settled();
    expect(to(login).map(textOf)).toContain('有一张报价等您审批');
    const bound = await h.t.db.models.ChannelIdentity.findOne({ where: { channel: 'wecom', userId: id } });
    expect(bound?.externalId).toBe(useridOf(login));
  });

  it('a card click reaches the action as it was drawn, and the card is updated in place with the click’s code', async () => {
    await h.fake.sendText({ from: useridOf('zhangwei'), text: '报价 华东机电 A100×10' });
    const card = await until('the quote card', () =>
      to('zhangwei').find((m) => buttonsOf(m).some((b) => JSON.parse(b.key)[1] === 'quote.cancel')),
    );
    const cancel = buttonsOf(card).find((b) => JSON.parse(b.key)[1] === 'quote.cancel') as Button;
    const quoteId = Number(JSON.parse(cancel.key)[2].quoteId);
    expect((await h.t.db.models.Quote.findByPk(quoteId))?.status).toBe('draft');
    const sentBefore = h.fake.api.messages.length;
    const r = await h.fake.click({ from: useridOf('zhangwei'), taskId: card.taskId as string, key: cancel.key });
    expect(r.status).toBe(200);
    await until('the quote cancelled', async () => (await h.t.db.models.Quote.findByPk(quoteId))?.status === 'cancelled' || undefined);
    await until('the card updated', () => h.fake.api.updates.find((u) => u.taskId === card.taskId));
    await h.delivery.settled();
    const update = h.fake.api.updates.find((u) => u.taskId === card.taskId);
    // the code the click brought, the freshest, was the one spent
    const codes = [...h.fake.api.codes.entries()].filter(([, c]) => c.taskId === card.taskId);
    expect(codes).toHaveLength(2);
    expect(update?.responseCode).toBe(codes[1]?.[0]);
    expect(buttonsOf({ content: update?.card ?? {} } as FakeWeComMessage).some((b) => b.key.includes('quote.cancel'))).toBe(false);
    expect(h.fake.api.messages.slice(sentBefore).filter((m) => m.msgtype === 'template_card')).toHaveLength(0);
  });

  it('a burst of 100 reminders to one member arrives complete, as digests, within 30 a minute, none dropped', async () => {
    const id = await h.userId('chenjing');
    const before = to('chenjing').length;
    for (let i = 1; i <= 100; i++)
      await pushTo(h.t.db, [id], { kind: 'text', text: `提醒 #${i}：订单待发货` }, { dedupeKey: `burst-${i}`, digest: 'reminder' });
    await h.delivery.settled();
    const got = to('chenjing').slice(before);
    expect(h.fake.api.dropped).toBe(0);
    expect(got.length).toBeLessThanOrEqual(30);
    const all = got.map(textOf).join('\n');
    for (let i = 1; i <= 100; i++) expect(all).toContain(`提醒 #${i}：`);
  });
});
