import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card, Reply } from '../../bot/cards/card';
import { parseCommand } from '../../bot/commands/grammar';
import { quoteCommand } from '../../bot/commands/quote';
import { loadUser } from '../../bot/user-context';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

const config = loadConfig({ env: { CONFIG_FILE: '' } });
const today = '2026-11-23';

describe('报价 command against the demo company', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  async function quoteAs(login: string, text: string, locale: 'zh' | 'en' = 'zh'): Promise<Reply[]> {
    const parsed = parseCommand(text);
    if (!parsed.ok || parsed.command.kind !== 'quote') throw new Error('not a quote');
    const user = await loadUser(t.db, login);
    return quoteCommand(t.db, config, user!, parsed.command, { today, locale });
  }
  const card = (r: Reply[]): Card => {
    if (r[0]?.kind !== 'card') throw new Error(JSON.stringify(r[0]));
    return r[0].card;
  };
  const field = (c: Card, label: string) => c.fields?.find((f) => f.label === label)?.value;

  it('张伟 quotes 华东机电 A100×2000 B200×20 折扣12%: prices, VAT, stock, approvers, saved as a draft', async () => {
    const c = card(await quoteAs('zhangwei', '报价 华东机电 A100×2000 B200×20 折扣12%'));
    expect(c.title).toMatch(/^报价单 QT-20261123-\d{4} · 华东机电有限公司$/);
    expect(c.table?.rows).toEqual([
      ['A100 不锈钢六角螺栓 M8', '2000个', '¥2.30', '¥3,926.56', '¥510.45', '5800', '2026-11-23'],
      ['B200 工业轴承 6205', expect.stringMatching(/^20/), '¥32.00', '¥546.30', '¥71.02', '150', '2026-11-23'],
    ]);
    expect(field(c, '客户等级折扣')).toBe('3%');
    expect(field(c, '手工折扣')).toBe('12%');
    expect(field(c, '不含税合计')).toBe('¥4,472.86');
    expect(field(c, '税额')).toBe('¥581.47');
    expect(field(c, '价税合计')).toBe('¥5,054.33');
    expect(field(c, '有效期至')).toBe('2026-12-08');
    expect(field(c, '预估毛利率')).toBeUndefined(); // a rep does not see cost
    expect(c.notes).toEqual(['审批 1：王芳（销售经理）— 折扣 12% > 5%', '审批 2：李强（销售总监）— 折扣 12% > 10%']);
    expect(c.buttons?.map((b) => [b.text, b.action])).toEqual([
      ['提交审批', 'quote.submit'],
      ['取消', 'quote.cancel'],
    ]);
    const quote = await t.db.models.Quote.findByPk(c.buttons![0]!.value.quoteId as number);
    expect(quote).toMatchObject({
      status: 'draft',
      netFen: 447_286,
      taxFen: 58_147,
      totalFen: 505_433,
      costFen: 276_000,
      manualDiscountBp: 1200,
      gradeDiscountBp: 300,
    });
    expect(await t.db.models.QuoteLine.count({ where: { quoteId: quote!.id } })).toBe(2);
  });

  it('a manager sees cost and margin', async () => {
    const c = card(await quoteAs('wangfang', '报价 华东机电 A100×2000 B200×20 折扣12%'));
    expect(field(c, '预估成本')).toBe('¥2,760.00');
    expect(field(c, '预估毛利率')).toBe('38.29%（¥1,712.86）');
  });

  it('answers in English', async () => {
    const c = card(await quoteAs('zhangwei', 'quote 华东机电 A100x2000', 'en'));
    expect(c.fields?.[0]?.label).toBe('Customer');
    expect(c.notes).toEqual(['no approval needed']);
  });

  it('a short line says when it can ship and that it must be bought', async () => {
    const c = card(await quoteAs('zhangwei', '报价 华东机电 B200×500'));
    const row = c.table!.rows[0]!;
    expect(row[5]).toBe('150');
    expect(row[6]).not.toBe(today);
    expect(c.notes?.some((n) => n.startsWith('B200 库存不足'))).toBe(true);
  });

  it('a rep cannot quote for another rep’s customer, and is not told whose it is', async () => {
    const [r] = await quoteAs('lina', '报价 华东机电 A100×10');
    expect(r).toEqual({ kind: 'text', text: '没有找到客户“华东机电”' });
  });

  it('refuses an unknown SKU and a discount over the maximum, saving nothing', async () => {
    const before = await t.db.models.Quote.count();
    expect(await quoteAs('zhangwei', '报价 华东机电 Z999×10')).toEqual([
      { kind: 'text', text: '没有这些商品编码：Z999。可先发“库存 名称”查编码' },
    ]);
    expect(await quoteAs('zhangwei', '报价 华东机电 A100×10 折扣35%')).toEqual([{ kind: 'text', text: '折扣 35% 超过上限 30%' }]);
    expect(await t.db.models.Quote.count()).toBe(before);
  });
});
