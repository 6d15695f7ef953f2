import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typedForm } from '../../bot/actions/typed';
import type { Reply } from '../../bot/cards/card';
import { issueBindCode, MAX_WRONG_CODES, redeemBindCode, WrongCodes } from '../../bot/channels/bind-code';
import { parseCommand } from '../../bot/commands/grammar';
import { type BotDeps, handleText } from '../../bot/dispatch';
import { pushTo } from '../../bot/outbox';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

const textOf = (r: Reply[]) => r.map((x) => (x.kind === 'text' ? x.text : `[card ${x.card.id}]`)).join('\n');

describe('card buttons typed as text: the grammar', () => {
  it.each([
    ['同意 12', { kind: 'approve', n: 12 }],
    ['同意#12', { kind: 'approve', n: 12 }],
    ['approve 12', { kind: 'approve', n: 12 }],
    ['批准 １２', { kind: 'approve', n: 12 }],
    ['驳回 12 折扣太高', { kind: 'reject', n: 12, reason: '折扣太高' }],
    ['reject 12 discount too high', { kind: 'reject', n: 12, reason: 'discount too high' }],
    ['提交 5', { kind: 'submit', n: 5 }],
    ['submit 5', { kind: 'submit', n: 5 }],
    ['取消报价 5', { kind: 'cancel', what: 'quote', n: 5, reason: '' }],
    ['取消订单 7 客户改期', { kind: 'cancel', what: 'order', n: 7, reason: '客户改期' }],
    ['cancel order 7 customer postponed', { kind: 'cancel', what: 'order', n: 7, reason: 'customer postponed' }],
    ['绑定码 张伟', { kind: 'bindcode', who: '张伟' }],
    ['绑定 123456', { kind: 'bind', code: '123456' }],
    ['bind 123 456', { kind: 'bind', code: '123456' }],
  ])('%s', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });

  it('驳回 without a reason asks for one, with an example carrying the number', () => {
    expect(parseCommand('驳回 12')).toMatchObject({
      ok: false,
      error: { zh: '请写明驳回理由' },
      example: { zh: '驳回 12 折扣超出本季度政策' },
    });
    expect(parseCommand('reject 12')).toMatchObject({
      ok: false,
      error: { en: 'please give the reason' },
      example: { en: expect.stringMatching(/^reject 12 /) },
    });
  });

  it.each([
    ['同意', '请写明卡片上的编号'],
    ['同意 十二', '请写明卡片上的编号'],
    ['取消 5', '要取消报价还是订单？'],
    ['绑定 12345', '绑定码是 6 位数字，请向管理员索取'],
  ])('%s is refused: %s', (text, zh) => {
    expect(parseCommand(text)).toMatchObject({ ok: false, error: { zh } });
  });

  it('each button has its text form, with the card’s number', () => {
    const v = { stepId: 12, workflowId: 'wf' };
    expect(typedForm('approval:12', { text: '同意', action: 'approval.approve', value: v })).toBe('同意 12');
    expect(typedForm('approval:12', { text: '驳回', action: 'approval.reject', value: v })).toBe('驳回 12 理由');
    expect(typedForm('approval:12', { text: 'Reject', action: 'approval.reject', value: v }, 'en')).toBe('reject 12 reason');
    expect(typedForm('quote:5', { text: '提交审批', action: 'quote.submit', value: { quoteId: 5 } })).toBe('提交 5');
    expect(typedForm('order:7', { text: '取消订单', action: 'order.cancel', value: { orderId: 7 } })).toBe('取消订单 7 原因');
    // what has no text form (an unknown action, a card without a number) is not offered
    expect(typedForm('stock:A100', { text: 'x', action: 'approval.approve', value: v })).toBeNull();
    expect(typedForm('quote:5', { text: 'x', action: 'something.else', value: {} })).toBeNull();
  });

  it('every form parses back to its own action', () => {
    for (const [cardId, action] of [
      ['approval:12', 'approval.approve'],
      ['approval:12', 'approval.reject'],
      ['quote:5', 'quote.submit'],
      ['quote:5', 'quote.cancel'],
      ['order:7', 'order.cancel'],
    ] as const) {
      const form = typedForm(cardId, { text: '', action, value: {} }) as string;
      expect(parseCommand(form).ok, form).toBe(true);
    }
  });
});

describe('typed card actions and bind codes against the demo company', () => {
  let t: TestDb;
  let deps: BotDeps;
  const say = (login: string, text: string, id: string) => handleText(deps, { userLogin: login, text, messageId: id, channel: 'console' });
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    deps = { db: t.db, config: loadConfig({ env: {}, file: '' }), now: () => new Date() };
  }, 60_000);
  afterAll(async () => t?.drop());

  it('a typed action works only on a card the person received; 取消报价 N then cancels it as the click does', async () => {
    const quote = await say('zhangwei', '报价 华东机电 A100×10', 'm1');
    const card = quote.find((r) => r.kind === 'card');
    if (card?.kind !== 'card') throw new Error('no quote card');
    const n = Number(card.card.id.split(':')[1]);
    // the command's answer was not pushed: nobody holds the card yet
    expect(textOf(await say('zhangwei', `取消报价 ${n}`, 'm2'))).toBe(`没有找到发给您的报价卡片 #${n}。请核对卡片上的编号。`);
    const zhang = (await t.db.models.User.findOne({ where: { login: 'zhangwei' } }))?.id as number;
    await pushTo(t.db, [zhang], card, { dedupeKey: 'typed-test-card' });
    // someone else who never got it is told there is none, whatever they may do
    expect(textOf(await say('lina', `取消报价 ${n}`, 'm3'))).toContain('没有找到');
    const cancelled = textOf(await say('zhangwei', `取消报价 ${n}`, 'm4'));
    expect(cancelled).toContain('[card quote:');
    expect((await t.db.models.Quote.findByPk(n))?.status).toBe('cancelled');
  });

  it('绑定码 is for admins; a code binds once, within the hour, and a newer code withdraws an older one', async () => {
    expect(textOf(await say('zhangwei', '绑定码 王芳', 'b1'))).toBe('只有管理员可以生成绑定码');
    expect(textOf(await say('admin', '绑定码 无此人', 'b2'))).toContain('没有找到用户');
    const wang = (await t.db.models.User.findOne({ where: { login: 'wangfang' } }))?.id as number;
    const admin = (await t.db.models.User.findOne({ where: { login: 'admin' } }))?.id as number;
    const now = new Date('2026-11-23T02:00:00Z');
    const old = await issueBindCode(t.db, { userId: wang, issuedByUserId: admin, now });
    const fresh = await issueBindCode(t.db, { userId: wang, issuedByUserId: admin, now });
    const use = (code: string, externalId: string, at = now) =>
      redeemBindCode(t.db, { code, channel: 'wechaty', externalId, displayName: null, now: at });
    expect(await use(old.code, 'wx_a')).toEqual({ ok: false, why: 'expired' });
    expect(await use(fresh.code, 'wx_a', new Date(now.getTime() + 61 * 60_000))).toEqual({ ok: false, why: 'expired' });
    expect(await use('000000' === fresh.code ? '000001' : '000000', 'wx_a')).toEqual({ ok: false, why: 'unknown' });
    expect(await use(fresh.code, 'wx_a')).toMatchObject({ ok: true, userId: wang, name: '王芳', issuedByUserId: admin });
    expect(await use(fresh.code, 'wx_b')).toEqual({ ok: false, why: 'used' });
    const bound = await t.db.models.ChannelIdentity.findAll({ where: { channel: 'wechaty' } });
    expect(bound.map((b) => [b.externalId, b.userId, b.boundBy])).toEqual([['wx_a', wang, 'code']]);
    expect((await t.db.models.BindCode.findAll()).every((c) => c.codeHash.length === 64 && !c.codeHash.includes(fresh.code))).toBe(true);
  });

  it('wrong codes are counted per account: a few an hour, then a pause', () => {
    let now = 0;
    const w = new WrongCodes(() => now);
    for (let i = 0; i < MAX_WRONG_CODES; i++) {
      expect(w.blocked('wx_x')).toBe(false);
      w.count('wx_x');
    }
    expect(w.blocked('wx_x')).toBe(true);
    expect(w.blocked('wx_y')).toBe(false);
    now += 60 * 60_000;
    expect(w.blocked('wx_x')).toBe(false);
  });
});
