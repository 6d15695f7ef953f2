import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card, Reply } from '../../bot/cards/card';
import { renderHtml } from '../../bot/cards/render-html';
import { stockCommand } from '../../bot/commands/stock';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

const today = '2026-11-23';
const cardOf = (replies: Reply[]): Card => {
  const r = replies[0];
  if (r?.kind !== 'card') throw new Error(`expected a card, got ${JSON.stringify(r)}`);
  return r.card;
};

describe('库存 command against the demo company', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  it('库存 A100: per warehouse available, reserved, on hand', async () => {
    const card = cardOf(await stockCommand(t.db, 'A100', { today }));
    expect(card.title).toBe('库存 A100 不锈钢六角螺栓 M8 M8×30 A2-70');
    expect(card.table?.columns).toEqual(['仓库', '可用', '锁定', '在库', '在途']);
    const rows = card.table!.rows;
    expect(rows).toContainEqual(['上海仓', '5000', '0', '5000', '0']);
    expect(rows).toContainEqual(['苏州仓', '800', '0', '800', '0']);
    expect(rows.at(-1)).toEqual(['合计', '5800', '0', '5800', '0']);
    expect(card.status).toEqual({ text: '可用 5800个', tone: 'success' });
  });

  it('stock b200 (lower case): warns that it is below safety stock', async () => {
    const card = cardOf(await stockCommand(t.db, 'b200', { today }));
    expect(card.title).toContain('B200');
    expect(card.status?.tone).toBe('warning');
    expect(card.status?.text).toContain('低于安全库存 200');
    expect(card.table!.rows).toContainEqual(['上海仓', '150', '0', '150', '0']);
  });

  it('answers in English when asked to', async () => {
    const card = cardOf(await stockCommand(t.db, 'A100', { today, locale: 'en' }));
    expect(card.table?.columns[0]).toBe('Warehouse');
    expect(card.title).toBe('Stock A100 不锈钢六角螺栓 M8 M8×30 A2-70');
  });

  it('a name shared by several products lists them for the user to choose', async () => {
    const [reply] = await stockCommand(t.db, '螺栓', { today });
    expect(reply?.kind).toBe('text');
    if (reply?.kind === 'text') {
      expect(reply.text).toMatch(/^找到多个商品/);
      const lines = reply.text.split('\n').slice(1);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) expect(line).toMatch(/^[A-Z]\d+ .*螺栓/);
    }
  });

  it('says so when nothing matches, with an example', async () => {
    const [reply] = await stockCommand(t.db, '咖啡机', { today });
    expect(reply).toEqual({ kind: 'text', text: '没有找到商品“咖啡机”。请用商品编码或名称，例如：库存 A100' });
  });

  it('renders to HTML with everything escaped', () => {
    const html = renderHtml({
      id: 'x"y',
      title: '<b>库存</b>',
      table: { columns: ['仓库'], rows: [['上海仓 & 苏州仓']] },
      buttons: [{ text: '提交审批', action: 'submit', value: { quoteId: 1 } }],
    });
    expect(html).toContain('data-card-id="x&quot;y"');
    expect(html).toContain('&lt;b&gt;库存&lt;/b&gt;');
    expect(html).toContain('上海仓 &amp; 苏州仓');
    expect(html).toContain('data-action="submit"');
    expect(html).toContain('data-value="{&quot;quoteId&quot;:1}"');
  });
});
