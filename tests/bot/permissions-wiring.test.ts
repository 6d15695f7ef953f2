import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../activities/order';
import { createShipmentActivities } from '../../activities/shipment';
import { handleAction } from '../../bot/actions';
import type { Reply } from '../../bot/cards/card';
import { type BotDeps, handleText } from '../../bot/dispatch';
import type { Flows } from '../../bot/flows';
import { loadConfig } from '../../config';
import { formatFen } from '../../domain/money';
import { HENGTONG } from '../../models/seed/customers';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { activityDeps } from '../helpers/activity-deps';
import { freshDb, type TestDb } from '../helpers/db';

/**
 * The permission table wired into the bot, on the demo company: 王芳 manages 华东, 陈刚 华南;
 * 李娜 is a 华南 rep with 广州恒通贸易. A refusal must not reach a flow, and must not say whose
 * record it is, who the rep is or how much it is for; a record the user may not see at all is
 * answered exactly like one that does not exist.
 */
describe('permissions in commands and card actions', () => {
  let t: TestDb;
  const config = loadConfig({ env: { CONFIG_FILE: '' } });
  const calls: string[] = [];
  /** flows that must never be reached: a refusal is decided before anything durable */
  const untouchable = new Proxy({} as Flows, {
    get: (_t, name) => () => {
      throw new Error(`flows.${String(name)} was called for a refused request`);
    },
  });
  /** flows that record what reached them, for the allowed controls */
  const recording: Flows = {
    submitQuote: async (input) => {
      calls.push(`submitQuote:${input.quoteId}`);
      return { started: true, workflowId: `q2c-${input.quoteNumber}` };
    },
    decide: async (wf) => {
      calls.push(`decide:${wf}`);
      return { ok: false, message: { zh: '流程拒绝', en: 'refused' } };
    },
    ship: async () => ({ ok: false, message: { zh: '未发货', en: 'not shipped' } }),
    cancel: async (wf) => {
      calls.push(`cancel:${wf}`);
      return { ok: true, message: { zh: '已取消', en: 'cancelled' } };
    },
    orderState: async () => null,
    signal: async () => 'sent' as const,
  };

  const deps = (flows: Flows): BotDeps => ({ db: t.db, config, now: () => new Date('2026-11-23T04:00:00Z'), flows });
  let n = 0;
  const say = (login: string, text: string, flows = untouchable) =>
    handleText(deps(flows), { userLogin: login, text, messageId: `m${n++}` });
  const click = (login: string, action: string, value: Record<string, unknown>, flows = untouchable) =>
    handleAction(deps(flows), { userLogin: login, cardId: 'x', action, value, requestId: `c${n++}` });
  const text = (r: Reply[]) => r.map((x) => (x.kind === 'text' ? x.text : JSON.stringify(x))).join('\n');

  let south: { quoteId: number; quoteTotal: string; orderId: number; orderNo: string; orderTotal: string; stepId: number };
  let eastQuoteId: number;
  const quoteIdOf = (r: Reply[]) => {
    const c = r[0];
    if (c?.kind !== 'card') throw new Error(text(r));
    return c.card.buttons?.[0]?.value.quoteId as number;
  };
  /** what must not appear in a refusal about 李娜's records */
  const secrets = () => [HENGTONG, '恒通', '李娜', south.quoteTotal, south.orderTotal];

  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    const { User, SalesOrder, ApprovalRequest, ApprovalStep, Quote } = t.db.models;
    const id = async (login: string) => (await User.findOne({ where: { login } }))!.id;
    const quoteId = quoteIdOf(await say('lina', '报价 恒通 A100×10'));
    eastQuoteId = quoteIdOf(await say('zhangwei', '报价 华东机电 A100×10'));
    const order = (await SalesOrder.findOne({ where: { ownerUserId: await id('lina') }, order: [['id', 'ASC']] }))!;
    await order.update({ status: 'to_ship', workflowId: 'q2c-south' });
    const request = await ApprovalRequest.create({
      subjectType: 'credit_override',
      subjectId: order.id,
      requestedByUserId: await id('lina'),
      workflowId: 'q2c-south',
      decidedAt: null,
    });
    const step = await ApprovalStep.create({
      approvalRequestId: request.id,
      stepNo: 1,
      approverRole: 'finance',
      approverUserId: await id('liuyang'),
      reasons: [{ zh: '超信用额度', en: 'over the credit limit' }],
      status: 'pending',
      remindedAt: null,
      escalatedAt: null,
    });
    const quote = (await Quote.findByPk(quoteId))!;
    south = {
      quoteId,
      quoteTotal: formatFen(quote.totalFen),
      orderId: order.id,
      orderNo: order.number,
      orderTotal: formatFen(order.totalFen),
      stepId: step.id,
    };
  });
  afterAll(async () => t?.drop());

  const discloses = (r: Reply[]) => secrets().filter((s) => text(r).includes(s));

  it("王芳 (华东's manager) cannot submit 华南's quote: answered as if it did not exist", async () => {
    const r = await click('wangfang', 'quote.submit', { quoteId: south.quoteId });
    expect(r).toEqual([{ kind: 'text', text: `没有找到报价单 ${south.quoteId}` }]);
    expect(await click('wangfang', 'quote.submit', { quoteId: 999_999 })).toEqual([{ kind: 'text', text: '没有找到报价单 999999' }]);
    expect(discloses(r)).toEqual([]);
    expect((await t.db.models.Quote.findByPk(south.quoteId))?.status).toBe('draft');
  });

  it("王芳 cannot cancel 华南's quote, which stays a draft", async () => {
    const r = await click('wangfang', 'quote.cancel', { quoteId: south.quoteId });
    expect(r).toEqual([{ kind: 'text', text: `没有找到报价单 ${south.quoteId}` }]);
    expect(discloses(r)).toEqual([]);
    expect((await t.db.models.Quote.findByPk(south.quoteId))?.status).toBe('draft');
  });

  it("王芳 cannot cancel 华南's order, see it, or open its approval card", async () => {
    const cancel = await click('wangfang', 'order.cancel', { orderId: south.orderId });
    expect(cancel).toEqual([{ kind: 'text', text: '没有找到这个订单的流程' }]);
    expect(await click('wangfang', 'order.cancel', { orderId: 999_999 })).toEqual(cancel);
    expect((await t.db.models.SalesOrder.findByPk(south.orderId))?.status).toBe('to_ship');

    const view = await say('wangfang', `订单 ${south.orderNo}`);
    expect(view).toEqual([{ kind: 'text', text: `没有找到订单 ${south.orderNo}` }]);
    expect(await say('wangfang', '订单 SO-20991231-9999')).toEqual([{ kind: 'text', text: '没有找到订单 SO-20991231-9999' }]);

    const approve = await click('wangfang', 'approval.approve', { stepId: south.stepId, workflowId: 'q2c-south' });
    expect(approve).toEqual([{ kind: 'text', text: '没有找到该审批' }]);
    expect(await click('wangfang', 'approval.approve', { stepId: 999_999, workflowId: 'q2c-south' })).toEqual(approve);
    for (const r of [cancel, view, approve]) expect(discloses(r)).toEqual([]);
  });

  it('finance sees 华南 but sells nothing: refused without a name or an amount', async () => {
    const submit = await click('liuyang', 'quote.submit', { quoteId: south.quoteId });
    expect(submit).toEqual([{ kind: 'text', text: '您无权操作该报价' }]);
    const cancel = await click('liuyang', 'order.cancel', { orderId: south.orderId });
    expect(cancel).toEqual([{ kind: 'text', text: '您无权取消该订单' }]);
    for (const r of [submit, cancel]) expect(discloses(r)).toEqual([]);
  });

  it("a 华东 rep asking for 华南's customer is answered as if there were none", async () => {
    // the full name typed is echoed; nothing the user did not type is named
    expect(await say('zhangwei', `客户 ${HENGTONG}`)).toEqual([{ kind: 'text', text: `没有找到客户“${HENGTONG}”` }]);
    expect(await say('zhangwei', `报价 ${HENGTONG} A100×10`)).toEqual([{ kind: 'text', text: `没有找到客户“${HENGTONG}”` }]);
    expect(await say('lina', '报价 华东机电 A100×10')).toEqual([{ kind: 'text', text: '没有找到客户“华东机电”' }]);
    // the warehouse ships and sees orders, not customers' books
    expect(await say('chenjing', '客户 华东机电')).toEqual([{ kind: 'text', text: '您无权查看客户资料' }]);
  });

  it('the activities ask the same table: a way in that skips the bot is refused too', async () => {
    const id = async (login: string) => (await t.db.models.User.findOne({ where: { login } }))!.id;
    const acts = activityDeps(t.db, config);
    const cancel = await createOrderActivities(acts).cancelOrder({ orderId: south.orderId, userId: await id('wangfang'), reason: 'x' });
    expect(cancel).toEqual({ ok: false, message: { zh: '您无权取消该订单', en: 'You may not cancel this order' } });
    expect((await t.db.models.SalesOrder.findByPk(south.orderId))?.status).toBe('to_ship');
    const ship = await createShipmentActivities(acts).recordShipment({
      orderId: south.orderId,
      userId: await id('lina'),
      lines: [{ sku: 'A100', qty: 1 }],
      carrier: '顺丰',
      trackingNo: 'SF1000000009',
      requestId: 'perm-1',
    });
    expect(ship).toMatchObject({ ok: false, message: { zh: '您无权登记该订单的发货' } });
    expect(await t.db.models.Shipment.count({ where: { salesOrderId: south.orderId, trackingNo: 'SF1000000009' } })).toBe(0);
  });

  it("each team's own manager still acts on the team's records", async () => {
    calls.length = 0;
    await click('chengang', 'quote.submit', { quoteId: south.quoteId }, recording);
    await click('chengang', 'order.cancel', { orderId: south.orderId }, recording);
    await click('liuyang', 'approval.approve', { stepId: south.stepId, workflowId: 'q2c-south' }, recording);
    expect(calls).toEqual([`submitQuote:${south.quoteId}`, 'cancel:q2c-south', 'decide:q2c-south']);
    const [card] = await say('chengang', `订单 ${south.orderNo}`, recording);
    expect(card?.kind === 'card' && card.card.buttons?.map((b) => b.action)).toEqual(['order.cancel']);

    await click('wangfang', 'quote.cancel', { quoteId: eastQuoteId });
    expect((await t.db.models.Quote.findByPk(eastQuoteId))?.status).toBe('cancelled');
  });
});
