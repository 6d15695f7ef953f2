import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card, Reply } from '../../bot/cards/card';
import { customerCommand } from '../../bot/commands/customer';
import { loadUser } from '../../bot/user-context';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

const config = loadConfig({ env: { CONFIG_FILE: '' } });
const now = new Date('2026-11-23T04:00:00Z');

describe('客户 command (customer 360) against the demo company', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
  });
  afterAll(async () => t?.drop());

  const as = async (login: string, query: string): Promise<Reply[]> =>
    customerCommand(t.db, config, (await loadUser(t.db, login))!, query, { now });
  const card = (r: Reply[]): Card => {
    if (r[0]?.kind !== 'card') throw new Error(JSON.stringify(r[0]));
    return r[0].card;
  };
  const field = (c: Card, label: string) => c.fields?.find((f) => f.label === label)?.value;

  it('李娜 looks at 广州恒通贸易: ¥48,000 open of ¥50,000, one receivable overdue', async () => {
    const c = card(await as('lina', '广州恒通'));
    expect(c.title).toBe('客户 广州恒通贸易');
    expect(field(c, '等级')).toBe('B');
    expect(field(c, '账期')).toBe('45 天');
    expect(field(c, '信用额度')).toBe('¥50,000.00');
    expect(field(c, '未收应收')).toBe('¥48,000.00');
    expect(field(c, '已用额度')).toBe('¥48,000.00');
    expect(field(c, '可用额度')).toBe('¥2,000.00');
    expect(c.status).toEqual({ text: '逾期应收 ¥30,000.00', tone: 'warning' });
    expect(c.table?.rows[0]).toEqual(['未到期', '¥18,000.00', '1']);
    expect(c.table?.rows[1]).toEqual(['逾期 0-30 天', '¥30,000.00', '1']);
  });

  it('张伟 sees his 华东机电: nothing open, full credit available', async () => {
    const c = card(await as('zhangwei', '华东机电'));
    expect(field(c, '负责人')).toBe('张伟');
    expect(field(c, '可用额度')).toBe('¥500,000.00');
    expect(c.status?.tone).toBe('success');
  });

  it('a rep cannot look at another rep’s customer (answered as if there were none); the team manager can', async () => {
    expect(await as('zhangwei', '广州恒通贸易')).toEqual([{ kind: 'text', text: '没有找到客户“广州恒通贸易”' }]);
    expect(card(await as('wangfang', '华东机电')).title).toBe('客户 华东机电有限公司');
    expect(card(await as('liuyang', '广州恒通贸易')).title).toBe('客户 广州恒通贸易');
  });

  it('says so when no customer matches', async () => {
    expect(await as('admin', '不存在的公司')).toEqual([{ kind: 'text', text: '没有找到客户“不存在的公司”' }]);
  });
});
