import { describe, expect, it } from 'vitest';
import { type ApprovalCardData, approvalCard } from '../../bot/cards/approval';
import type { Card } from '../../bot/cards/card';
import { customerCard } from '../../bot/cards/customer';
import { paymentCard } from '../../bot/cards/payment';
import { quoteDraftCard } from '../../bot/cards/quote';
import { shippingNoticeCard } from '../../bot/cards/shipping-notice';
import { stockCard } from '../../bot/cards/stock';
import {
  assertLarkCard,
  type LarkButton,
  type LarkCard2,
  type LarkColumnSet,
  type LarkElement,
  type LarkForm,
  type LarkMarkdown,
  type LarkTable,
  larkCard2Schema,
} from '../../bot/channels/lark/card-json';
import { escapeMarkdown, MAX_CALLBACK_VALUE_BYTES, renderCard, renderReply, renderText } from '../../bot/channels/lark/render';
import { atp } from '../../domain/atp';
import { creditCheck } from '../../domain/credit';
import { priceLine, quoteTotals } from '../../domain/pricing';

/**
 * Every card builder, rendered for Lark: the JSON passes the strict 2.0 schema (no property
 * Lark would refuse), and the parts a user sees and clicks come out as the neutral card says.
 */

const approvalData: ApprovalCardData = {
  stepId: 7,
  workflowId: 'q2c-QT-20261123-0001',
  subject: 'quote',
  canSeeCost: true,
  stepNo: 1,
  totalSteps: 2,
  approverName: '王芳',
  quoteNumber: 'QT-20261123-0001',
  orderNumber: 'SO-20261123-0001',
  customer: '华东机电有限公司',
  repName: '张伟',
  totalFen: 12_345_600,
  manualDiscountBp: 1200,
  lines: [
    { sku: 'A100', name: '六角螺栓', qty: 2000, unitPriceFen: 1200, available: 5800 },
    { sku: 'B200', name: '平垫圈', qty: 500, unitPriceFen: 80, available: 300 },
  ],
  reasons: [{ zh: '折扣 12% > 5%', en: 'discount 12% > 5%' }],
  state: { kind: 'pending' },
};

const line = priceLine({
  qty: 2000,
  listPriceFen: 1500,
  tiers: [],
  costFen: 900,
  vatRateBp: 1300,
  gradeDiscountBp: 500,
  manualDiscountBp: 300,
});

const quote = quoteDraftCard({
  quoteId: 11,
  number: 'QT-20261123-0002',
  customer: '华东机电有限公司',
  grade: 'A',
  gradeDiscountBp: 500,
  manualDiscountBp: 300,
  validUntil: '2026-12-23',
  lines: [
    {
      sku: 'A100',
      name: '六角螺栓',
      unit: '个',
      priced: line,
      availableNow: 5800,
      earliestShipDate: '2026-11-23',
      needsReplenishment: false,
    },
  ],
  totals: quoteTotals([line]),
  approvals: [],
  showCost: false,
});

const stock = stockCard({
  sku: 'A100',
  name: '六角螺栓',
  spec: 'M8×30',
  unit: '个',
  safetyStock: 1000,
  atp: atp({
    warehouses: [
      { warehouseId: 1, onHand: 6000, reserved: 200 },
      { warehouseId: 2, onHand: 0, reserved: 0 },
    ],
    incoming: [{ warehouseId: 2, qty: 3000, eta: '2026-11-30' }],
    requested: 0,
    today: '2026-11-23',
    leadTimeDays: 10,
  }),
  incoming: [{ warehouse: '苏州仓', qty: 3000, eta: '2026-11-30' }],
  warehouseNames: { 1: '上海仓', 2: '苏州仓' },
});

const customer = customerCard({
  id: 3,
  code: 'C-003',
  name: '华东*机电*_有限_公司 [总部]',
  grade: 'A',
  owner: '张伟',
  paymentTermsDays: 30,
  region: '华东',
  credit: creditCheck({ limitFen: 5_000_000, openReceivablesFen: 5_500_000, approvedUnshippedFen: 0, thisOrderFen: 0 }),
  aging: {
    asOf: '2026-11-23',
    notDueFen: 1_000_000,
    notDueCount: 2,
    overdueFen: 4_500_000,
    totalFen: 5_500_000,
    buckets: [
      { label: '1-30', fromDays: 1, toDays: 30, fen: 4_000_000, count: 3 },
      { label: '31+', fromDays: 31, toDays: null, fen: 500_000, count: 1 },
    ],
  },
  openQuotes: [],
  openOrders: [{ number: 'SO-20261120-0001', status: 'to_ship', totalFen: 800_000, orderDate: '2026-11-20' }],
  lastFollowUp: { at: '2026-11-22', by: '张伟', content: '客户说 <at id=all></at> 下周付款' },
  contacts: [{ name: '李雷', title: '采购', mobile: '13800000000' }],
});

const payment = paymentCard('华东机电有限公司', {
  paymentId: 5,
  number: 'PM-20261123-0001',
  amountFen: 1_200_000,
  unappliedFen: 200_000,
  cleared: [{ receivableId: 9, number: 'AR-20261101-0001', amountFen: 1_000_000, paidOff: true, remainingFen: 0 }],
});

const shipping = shippingNoticeCard({
  orderId: 3,
  orderNumber: 'SO-20261123-0003',
  customer: '华东机电有限公司',
  region: '华东',
  status: 'partially_shipped',
  lines: [{ sku: 'A100', name: '六角螺栓', qty: 2000, shipped: 1200, reserved: 800, backordered: 0 }],
  shipments: ['SH-20261123-0001：顺丰 SF1234567890'],
});

const all: [string, Card][] = [
  ['approval', approvalCard(approvalData)],
  [
    'approval (en, decided)',
    approvalCard({ ...approvalData, state: { kind: 'decided', decision: 'reject', by: '王芳', at: new Date(0), comment: 'x' } }, 'en'),
  ],
  ['quote', quote],
  ['stock', stock],
  ['customer', customer],
  ['payment', payment],
  ['payment without receivables', paymentCard('华东', { paymentId: 6, number: 'PM-2', amountFen: 1, unappliedFen: 1, cleared: [] })],
  ['shipping notice', shipping],
];

const byTag = <T extends LarkElement>(c: LarkCard2, tag: T['tag']) => c.body.elements.filter((e): e is T => e.tag === tag);
const allButtons = (c: LarkCard2): LarkButton[] => [
  ...byTag<LarkColumnSet>(c, 'column_set').flatMap((s) => s.columns.flatMap((col) => col.elements.filter((e) => e.tag === 'button'))),
  ...byTag<LarkForm>(c, 'form').flatMap((f) => f.elements.filter((e): e is LarkButton => e.tag === 'button')),
];

describe('renderCard: every builder passes the Card JSON 2.0 schema', () => {
  it.each(all)('%s', (_name, card) => {
    const json = renderCard(card);
    expect(() => assertLarkCard(json)).not.toThrow();
    // what is sent is what was validated: a JSON round trip changes nothing
    expect(assertLarkCard(JSON.parse(JSON.stringify(json)))).toEqual(json);
    expect(json.config.update_multi).toBe(true);
    expect(json.header.title.content).toBe(card.title);
  });

  it('the schema refuses what Lark 2.0 refuses: unknown properties, a table page over 10, a form without submit', () => {
    const good = renderCard(approvalCard(approvalData));
    expect(larkCard2Schema.safeParse({ ...good, card_link: { url: 'x' } }).success).toBe(false);
    expect(larkCard2Schema.safeParse({ ...good, config: { update_multi: false } }).success).toBe(false);
    const table = { ...byTag<LarkTable>(good, 'table')[0]!, page_size: 11 };
    expect(larkCard2Schema.safeParse({ ...good, body: { elements: [table] } }).success).toBe(false);
    const extraCell = { ...byTag<LarkTable>(good, 'table')[0]!, rows: [{ c0: 'a', sku: 'b' }] };
    expect(larkCard2Schema.safeParse({ ...good, body: { elements: [extraCell] } }).success).toBe(false);
    const form = byTag<LarkForm>(good, 'form')[0]!;
    const noSubmit = { ...form, elements: form.elements.filter((e) => e.tag !== 'button') };
    expect(larkCard2Schema.safeParse({ ...good, body: { elements: [noSubmit] } }).success).toBe(false);
    expect(larkCard2Schema.safeParse({ ...good, body: { elements: [form, form] } }).success).toBe(false);
  });
});

describe('renderCard: the parts', () => {
  it('header colour follows the status tone, the status text is the subtitle', () => {
    const tone = (t: 'info' | 'success' | 'warning' | 'danger') =>
      renderCard({ id: 'x', title: 'T', status: { text: 's', tone: t } }).header.template;
    expect([tone('info'), tone('success'), tone('warning'), tone('danger')]).toEqual(['blue', 'green', 'orange', 'red']);
    expect(renderCard({ id: 'x', title: 'T' }).header).toEqual({ title: { tag: 'plain_text', content: 'T' }, template: 'blue' });
    const json = renderCard(approvalCard(approvalData));
    expect(json.header.template).toBe('orange');
    expect(json.header.subtitle).toEqual({ tag: 'plain_text', content: '待 王芳 审批' });
  });

  it('fields are one markdown, label in bold, user data escaped', () => {
    const md = renderCard(customer).body.elements[0];
    expect(md?.tag).toBe('markdown');
    const content = (md as { content: string }).content;
    expect(content.split('\n')[0]).toBe('**编号**：C-003');
    expect(content).not.toContain('*机电*');
    expect(content).not.toContain('[总部]');
  });

  it('the table: display names, right-aligned numbers, rows keyed by column name, page size at most 10', () => {
    const t = byTag<LarkTable>(renderCard(approvalCard(approvalData)), 'table')[0]!;
    expect(t.columns).toEqual([
      { name: 'c0', display_name: '商品', data_type: 'text', horizontal_align: 'left' },
      { name: 'c1', display_name: '数量', data_type: 'text', horizontal_align: 'right' },
      { name: 'c2', display_name: '单价', data_type: 'text', horizontal_align: 'right' },
      { name: 'c3', display_name: '可用库存', data_type: 'text', horizontal_align: 'right' },
    ]);
    expect(t.rows).toEqual([
      { c0: 'A100 六角螺栓', c1: '2000', c2: '¥12.00', c3: '5800' },
      { c0: 'B200 平垫圈', c1: '500', c2: '¥0.80', c3: '300' },
    ]);
    expect(t.page_size).toBe(2);
    const many: Card = { id: 'm', title: 'M', table: { columns: ['a'], rows: Array.from({ length: 25 }, (_, i) => [String(i)]) } };
    const big = byTag<LarkTable>(renderCard(many), 'table')[0]!;
    expect([big.page_size, big.rows.length]).toEqual([10, 25]);
  });

  it('an empty table is left out; the builder says so in a note', () => {
    const json = renderCard(all.find(([n]) => n === 'payment without receivables')![1]);
    expect(byTag(json, 'table')).toEqual([]);
    expect(JSON.stringify(json)).toContain('全部计为预收款');
  });

  it('notes are small grey markdown, escaped', () => {
    const notes = byTag<LarkMarkdown>(renderCard(customer), 'markdown').at(-1)!;
    expect(notes.text_size).toBe('notation');
    expect(notes.content.split('\n')[0]).toBe("<font color='grey'>订单 SO-20261120-0001 待发货 ¥8,000.00（2026-11-20）</font>");
    expect(notes.content).not.toContain('<at');
  });

  it('plain buttons sit in one row and carry {c, a, v} with their style', () => {
    const json = renderCard(quote);
    const [row] = byTag<LarkColumnSet>(json, 'column_set');
    expect(row!.columns.map((c) => c.elements[0])).toEqual([
      {
        tag: 'button',
        text: { tag: 'plain_text', content: '提交审批' },
        type: 'primary',
        behaviors: [{ type: 'callback', value: { c: 'quote:11', a: 'quote.submit', v: { quoteId: 11 } } }],
      },
      {
        tag: 'button',
        text: { tag: 'plain_text', content: '取消' },
        type: 'danger',
        behaviors: [{ type: 'callback', value: { c: 'quote:11', a: 'quote.cancel', v: { quoteId: 11 } } }],
      },
    ]);
  });

  it('the reject button is a form: an input named comment and a submit button with the same callback value', () => {
    const json = renderCard(approvalCard(approvalData));
    const value = { stepId: 7, workflowId: 'q2c-QT-20261123-0001' };
    expect(allButtons(json).map((b) => [b.text.content, b.type, b.behaviors?.[0]?.value])).toEqual([
      ['同意', 'primary', { c: 'approval:7', a: 'approval.approve', v: value }],
      ['驳回', 'danger', { c: 'approval:7', a: 'approval.reject', v: value }],
    ]);
    const [form] = byTag<LarkForm>(json, 'form');
    expect(form!.elements[0]).toEqual({
      tag: 'input',
      name: 'comment',
      label: { tag: 'plain_text', content: '驳回理由' },
      placeholder: { tag: 'plain_text', content: '请输入驳回理由（最多 500 字）' },
      max_length: 500,
      required: false,
      width: 'fill',
    });
    expect(form!.elements[1]).toMatchObject({ tag: 'button', form_action_type: 'submit', name: 'submit_0' });
    // the form is last, after the approve row: root-level, as the form doc requires
    expect(json.body.elements.at(-1)).toBe(form);
  });

  it('a decided approval has no buttons, no form, no divider', () => {
    const json = renderCard(all[1]![1]);
    expect(allButtons(json)).toEqual([]);
    expect(byTag(json, 'hr')).toEqual([]);
  });

  it('refuses a callback value Lark might cut off', () => {
    const big: Card = {
      id: 'b',
      title: 'B',
      buttons: [{ text: 'x', action: 'a.b', value: { blob: 'x'.repeat(MAX_CALLBACK_VALUE_BYTES) } }],
    };
    expect(() => renderCard(big)).toThrow(/bytes/);
  });
});

describe('escapeMarkdown', () => {
  it('turns markdown and HTML specials into character references, and a list start too', () => {
    expect(escapeMarkdown('*a* _b_ [c](d) <at id=all></at> `e` ~f~ #g |h| \\')).toBe(
      '&#42;a&#42; &#95;b&#95; &#91;c&#93;&#40;d&#41; &#60;at id=all&#62;&#60;/at&#62; &#96;e&#96; &#126;f&#126; &#35;g &#124;h&#124; &#92;',
    );
    expect(escapeMarkdown('- item')).toBe('&#45; item');
    expect(escapeMarkdown('1. item')).toBe('1&#46; item');
    expect(escapeMarkdown('a-b 1.5 &amp;')).toBe('a-b 1.5 &#38;amp;');
    expect(escapeMarkdown('两行\n文字')).toBe('两行 文字');
  });
});

describe('renderText and renderReply', () => {
  it('text is a text message; an <at> tag in user data pings no one', () => {
    expect(renderText('你好')).toEqual({ msg_type: 'text', content: { text: '你好' } });
    expect(renderText('客户 <at user_id="all"></at>').content.text).toBe('客户 <\u200bat user_id="all"></\u200bat>');
  });

  it('a reply becomes msg_type plus the JSON string the message API wants in content', () => {
    expect(renderReply({ kind: 'text', text: '好' })).toEqual({ msgType: 'text', content: '{"text":"好"}' });
    const r = renderReply({ kind: 'card', card: stock });
    expect(r.msgType).toBe('interactive');
    expect(JSON.parse(r.content)).toEqual(renderCard(stock));
  });
});
