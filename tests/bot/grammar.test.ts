import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/commands/grammar';
import { readAmountFen, readQuantity } from '../../bot/commands/numerals';
import { normalise } from '../../bot/text';

const ok = (text: string) => {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.error.en}`);
  return r.command;
};

describe('text normalisation', () => {
  it.each([
    ['报价　华东机电 Ａ１００ｘ２０００，B200 * 20 折扣１２％', '报价 华东机电 A100×2000 B200×20 折扣12%'],
    ['@机器人 库存 A100', '库存 A100'],
    ['  stock   b200  ', 'stock b200'],
    ['A100×2,000', 'A100×2,000'],
    ['A100 X 5', 'A100×5'],
  ])('%j → %j', (raw, plain) => {
    expect(normalise(raw)).toBe(plain);
  });

  const value = (r: { ok: boolean; value?: number }) => (r.ok ? r.value : null);
  it.each([
    ['2000', 2000, 200_000],
    ['2,000', 2000, 200_000],
    ['2k', 2000, 200_000],
    ['3万', 30_000, 3_000_000],
    ['1.5万', 15_000, 1_500_000],
    ['0.5', null, 50],
    ['¥30,000.50', null, 3_000_050],
    // a sum of money is not a count of units (the old reader took "30000元" for 30000 of them)
    ['30000元', null, 3_000_000],
    ['abc', null, null],
    ['1.23456万', null, 1_234_560],
    ['1.2345678万', null, null],
  ])('%j → quantity %j, amount %j fen', (raw, qty, fen) => {
    expect(value(readQuantity(raw))).toBe(qty);
    expect(value(readAmountFen(raw))).toBe(fen);
  });
});

describe('commands from the issue, exactly as typed', () => {
  it.each([
    ['库存 A100', { kind: 'stock', query: 'A100' }],
    ['查库存 螺栓', { kind: 'stock', query: '螺栓' }],
    ['stock B200', { kind: 'stock', query: 'B200' }],
    ['库存A100', { kind: 'stock', query: 'A100' }],
    ['客户 华东机电', { kind: 'customer', query: '华东机电' }],
    [
      '报价 华东机电 A100×2000 B200×20 折扣12%',
      {
        kind: 'quote',
        customer: '华东机电',
        items: [
          { sku: 'A100', qty: 2000 },
          { sku: 'B200', qty: 20 },
        ],
        discountBp: 1200,
      },
    ],
    ['订单 SO-20261123-0001', { kind: 'order', orderNo: 'SO-20261123-0001' }],
    [
      '发货 SO-20261123-0001 A100×1200 顺丰 SF1234567890',
      { kind: 'ship', orderNo: 'SO-20261123-0001', items: [{ sku: 'A100', qty: 1200 }], carrier: '顺丰', trackingNo: 'SF1234567890' },
    ],
    ['回款 华东机电 30000', { kind: 'payment', customer: '华东机电', amountFen: 3_000_000 }],
    ['待办', { kind: 'tasks' }],
    ['tasks', { kind: 'tasks' }],
    ['帮助', { kind: 'help', topic: null }],
    ['help quote', { kind: 'help', topic: 'quote' }],
  ])('%s', (text, command) => {
    expect(ok(text)).toEqual(command);
  });
});

describe('forgiving input', () => {
  it.each([
    ['quote 华东机电 a100x2000 discount 12%', 1200, [{ sku: 'A100', qty: 2000 }]],
    ['报价 华东机电 A100*2000 12%off', 1200, [{ sku: 'A100', qty: 2000 }]],
    ['报价 华东机电 A100 × 2k 打88折', 1200, [{ sku: 'A100', qty: 2000 }]],
    ['报价 华东机电 A100×1万 9.5折', 500, [{ sku: 'A100', qty: 10_000 }]],
    ['报价 华东机电 A100×2000', 0, [{ sku: 'A100', qty: 2000 }]],
    ['报价 华东机电 A100×2000 折扣12', 1200, [{ sku: 'A100', qty: 2000 }]],
    ['报价 华东机电 A100×2000 discount: 7.5', 750, [{ sku: 'A100', qty: 2000 }]],
    [
      '报价：华东机电，A100×2,000，B200×20',
      0,
      [
        { sku: 'A100', qty: 2000 },
        { sku: 'B200', qty: 20 },
      ],
    ],
  ])('%s', (text, discountBp, items) => {
    const c = ok(text);
    expect(c).toMatchObject({ kind: 'quote', customer: '华东机电', discountBp, items });
  });

  it('keeps a customer name with spaces', () => {
    expect(ok('quote Acme Trading Co A100x5')).toMatchObject({ customer: 'Acme Trading Co' });
  });

  it.each([
    ['回款 华东机电 3万', 3_000_000],
    ['回款 华东机电 ¥30,000.50', 3_000_050],
    ['收款 广州恒通贸易 1.5万元', 1_500_000],
    ['payment 华东机电 30000', 3_000_000],
  ])('%s → %i fen', (text, fen) => {
    expect(ok(text)).toMatchObject({ kind: 'payment', amountFen: fen });
  });
});

describe('malformed commands get the reason and an example', () => {
  it.each([
    ['报价 华东机电', /缺少商品和数量/, 'quote'],
    ['报价 A100×2000', /缺少客户名称/, 'quote'],
    ['报价 华东机电 A100×0', /数量不对/, 'quote'],
    ['报价 华东机电 A100×2.5', /数量不对/, 'quote'],
    ['报价 华东机电 A100×10 A100×5', /出现了两次/, 'quote'],
    ['报价 华东机电 A100×10 折扣120%', /折扣应在/, 'quote'],
    ['订单 12345', /订单号应形如/, 'order'],
    ['发货 A100×1200 顺丰 SF1234567890', /第一个参数应为订单号/, 'ship'],
    ['发货 SO-1 A100×1200', /承运商和运单号/, 'ship'],
    ['发货 SO-1 顺丰 SF1234567890', /缺少发货商品/, 'ship'],
    ['回款 华东机电', /最后一个参数应为金额/, 'payment'],
    ['回款 30000', /缺少客户名称/, 'payment'],
    ['回款 华东机电 0', /必须大于 0/, 'payment'],
    ['库存', /缺少商品编码或名称/, 'stock'],
  ])('%s', (text, zh, kind) => {
    const r = parseCommand(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.zh).toMatch(zh);
    expect(r.error.en.length).toBeGreaterThan(5);
    expect(r.kind).toBe(kind);
    expect(r.example.zh.length).toBeGreaterThan(2);
  });

  it.each([
    ['库纯 A100', 'stock'],
    ['stok A100', 'stock'],
    ['quot 华东机电 A100x1', 'quote'],
    ['A100', 'stock'],
    ['SO-20261123-0001', 'order'],
    ['你好', null],
  ])('unknown %j suggests %s', (text, kind) => {
    const r = parseCommand(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.kind).toBe(kind);
  });
});
