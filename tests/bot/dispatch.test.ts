import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotDeps, handleText } from '../../bot/dispatch';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

describe('one message in, replies out', () => {
  let t: TestDb;
  let deps: BotDeps;
  let n = 0;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    deps = { db: t.db, config: loadConfig({ env: { CONFIG_FILE: '' } }), now: () => new Date('2026-11-23T04:00:00Z') };
  });
  afterAll(async () => t?.drop());

  const say = (userLogin: string, text: string) => handleText(deps, { userLogin, text, messageId: `m${n++}` });

  it.each([
    ['zhangwei', '库存 A100', 'card'],
    ['zhangwei', 'stock B200', 'card'],
    ['zhangwei', '客户 华东机电', 'card'],
    ['zhangwei', '报价 华东机电 A100×2000 折扣12%', 'card'],
    ['liuyang', '回款 华东机电 100', 'card'],
    ['zhangwei', '帮助', 'text'],
    ['zhangwei', '待办', 'card'],
  ])('%s: %s → %s', async (user, text, kind) => {
    const [r] = await say(user, text);
    expect(r?.kind).toBe(kind);
  });

  it('answers an English command in English', async () => {
    const [r] = await say('zhangwei', 'stock A100');
    expect(r?.kind === 'card' && r.card.title.startsWith('Stock')).toBe(true);
    const [h] = await say('zhangwei', 'help');
    expect(h?.kind === 'text' && h.text.startsWith('I can do these')).toBe(true);
  });

  it('answers in the language the user wrote: a Chinese sentence with a SKU in it is Chinese', async () => {
    const [zh] = await say('zhangwei', 'A100还有多少');
    expect(zh?.kind === 'card' && zh.card.title).toMatch(/^库存 A100/);
    const [en] = await say('zhangwei', 'A100 stock');
    expect(en?.kind === 'card' && en.card.title).toMatch(/^Stock A100/);
  });

  it('refuses a number too large to be meant, in the parser, instead of failing in the database', async () => {
    expect(await say('liuyang', '回款 华东机电 99999999999999999')).toEqual([
      {
        kind: 'text',
        text: '金额“99999999999999999”超过单笔上限 ¥10亿，请核对；更大的款项请分笔登记\n例：回款 华东机电 30000',
      },
    ]);
    expect(await say('zhangwei', '报价 华东机电 A100×9000000000000000')).toEqual([
      {
        kind: 'text',
        text: '数量不对：“A100×9000000000000000” 超过单行上限 1,000,000，请核对数量\n例：报价 华东机电 A100×2000 B200×20 折扣12%',
      },
    ]);
  });

  it('a malformed command gets the reason and an example', async () => {
    expect(await say('zhangwei', '报价 华东机电')).toEqual([
      { kind: 'text', text: '缺少商品和数量，例如 A100×2000\n例：报价 华东机电 A100×2000 B200×20 折扣12%' },
    ]);
    const [r] = await say('zhangwei', '库纯 A100');
    expect(r?.kind === 'text' && r.text).toMatch(/您是想用“库存”吗/);
  });

  it('checks roles: a rep cannot record payments or ship; a warehouse user cannot quote', async () => {
    expect(await say('zhangwei', '回款 华东机电 100')).toEqual([{ kind: 'text', text: '只有财务可以登记回款' }]);
    expect(await say('zhangwei', '发货 SO-20261123-0001 A100×10 顺丰 SF1234567890')).toEqual([
      { kind: 'text', text: '只有仓库可以登记发货' },
    ]);
    expect(await say('chenjing', '报价 华东机电 A100×10')).toEqual([{ kind: 'text', text: '只有销售可以报价' }]);
  });

  it('shows an order from the demo company, and refuses one outside the user’s scope', async () => {
    const order = await t.db.models.SalesOrder.findOne({
      where: { ownerUserId: (await t.db.models.User.findOne({ where: { login: 'lina' } }))!.id },
    });
    const [mine] = await say('lina', `订单 ${order!.number}`);
    expect(mine?.kind === 'card' && mine.card.title).toContain(order!.number);
    // outside the scope is answered like an order that does not exist
    expect(await say('zhangwei', `订单 ${order!.number}`)).toEqual([{ kind: 'text', text: `没有找到订单 ${order!.number}` }]);
  });

  it('does not know an unbound account', async () => {
    expect(await say('nobody', '库存 A100')).toEqual([{ kind: 'text', text: '您的账号还没有绑定系统用户，请联系管理员' }]);
  });

  it('a fault behind a command is answered with a reference and logged, never thrown', async () => {
    const logged: string[] = [];
    const broken: BotDeps = {
      ...deps,
      log: { error: (m) => logged.push(m) },
      flows: {
        ship: async () => {
          throw new Error('temporal unavailable');
        },
      } as unknown as BotDeps['flows'],
    };
    const order = await t.db.models.SalesOrder.findOne({ where: { status: 'to_ship' } });
    await order!.update({ workflowId: 'q2c-broken' });
    const replies = await handleText(broken, {
      userLogin: 'chenjing',
      text: `发货 ${order!.number} A100×1 顺丰 SF1234567890`,
      messageId: 'broken-1',
    });
    expect(replies).toHaveLength(1);
    const text = (replies[0] as { text: string }).text;
    const ref = /编号 (\w{8})/.exec(text)?.[1];
    expect(text).toMatch(/^抱歉，处理时出错了（编号 \w{8}，已记录）。请稍后再试/);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`[${ref}]`);
    expect(logged[0]).toContain('temporal unavailable');
  });
});
