import { describe, expect, it } from 'vitest';
import { type ApprovalCardData, approvalCard } from '../../bot/cards/approval';
import { shippingNoticeCard } from '../../bot/cards/shipping-notice';

const base: ApprovalCardData = {
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
  lines: [{ sku: 'A100', name: '六角螺栓', qty: 2000, unitPriceFen: 1200, available: 5800 }],
  reasons: [{ zh: '折扣 12% > 5%', en: 'discount 12% > 5%' }],
  state: { kind: 'pending' },
};

describe('approval card', () => {
  it('pending: who must decide, why, and the two buttons carrying the step and flow', () => {
    const c = approvalCard(base);
    expect(c.id).toBe('approval:7');
    expect(c.status).toEqual({ text: '待 王芳 审批', tone: 'warning' });
    expect(c.notes).toEqual(['需审批原因：折扣 12% > 5%']);
    expect(c.buttons?.map((b) => [b.action, b.value])).toEqual([
      ['approval.approve', { stepId: 7, workflowId: 'q2c-QT-20261123-0001' }],
      ['approval.reject', { stepId: 7, workflowId: 'q2c-QT-20261123-0001' }],
    ]);
    expect(c.fields?.find((f) => f.label === '价税合计')?.value).toBe('¥123,456.00');
  });
  it('decided: who, when (Shanghai), the comment, and no buttons', () => {
    const c = approvalCard({
      ...base,
      state: { kind: 'decided', decision: 'reject', by: '王芳', at: new Date('2026-11-23T06:05:00Z'), comment: '价格太低' },
    });
    expect(c.status).toEqual({ text: '王芳 已驳回 · 11-23 14:05', tone: 'danger' });
    expect(c.fields?.at(-1)).toEqual({ label: '意见', value: '价格太低' });
    expect(c.buttons).toEqual([]);
  });
  it('refused at the click: the reason is the banner and the buttons stay', () => {
    const c = approvalCard({ ...base, state: { kind: 'refused', reason: { zh: 'A100 可用库存已从 5800 降到 100', en: 'A100 fell' } } });
    expect(c.status?.text).toBe('无法同意：A100 可用库存已从 5800 降到 100');
    expect(c.buttons).toHaveLength(2);
  });
  it('credit override shows limit, exposure and how far over; English when asked', () => {
    const c = approvalCard(
      { ...base, subject: 'credit_override', credit: { limitFen: 5_000_000, exposureFen: 6_000_000, overByFen: 1_000_000 } },
      'en',
    );
    expect(c.title).toBe('Credit override · 华东机电有限公司');
    expect(c.fields?.find((f) => f.label === 'Over by')?.value).toBe('¥10,000.00');
  });
});

describe('shipping notice card', () => {
  const d = {
    orderId: 3,
    orderNumber: 'SO-20261123-0003',
    customer: '华东机电有限公司',
    region: '华东',
    status: 'partially_shipped' as const,
    lines: [{ sku: 'A100', name: '六角螺栓', qty: 2000, shipped: 1200, reserved: 800, backordered: 0 }],
    shipments: ['SH-20261123-0001：顺丰 SF1234567890'],
  };
  it('shows what is left and an exact 发货 example for it', () => {
    const c = shippingNoticeCard(d);
    expect(c.table?.rows).toEqual([['A100 六角螺栓', '2000', '1200', '800', '0']]);
    expect(c.notes).toContain('登记发货：发货 SO-20261123-0003 A100×800 顺丰 SF1234567890');
  });
  it('a cancelled order says do not ship and offers no example', () => {
    const c = shippingNoticeCard({ ...d, status: 'cancelled' });
    expect(c.status).toEqual({ text: '订单已取消，请勿发货', tone: 'danger' });
    expect(c.notes?.some((n) => n.startsWith('登记发货'))).toBe(false);
  });
});

describe('the approval card as a rep sees it', () => {
  const withMargin = { ...base, reasons: [{ zh: '预估毛利率 12.5% < 15%', en: 'estimated margin 12.5% < 15%', cost: true }] };
  it('shows an approver the margin figure and a rep only that the margin is below the line', () => {
    expect(approvalCard({ ...withMargin, canSeeCost: true }).notes).toEqual(['需审批原因：预估毛利率 12.5% < 15%']);
    const rep = approvalCard({ ...withMargin, canSeeCost: false });
    expect(rep.notes).toEqual(['需审批原因：毛利率低于审批线']);
    expect(JSON.stringify(rep)).not.toContain('12.5%');
  });
});
