import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import type { Card } from '../../bot/cards/card';
import { openDb } from '../../models/db';
import { migrate } from '../../models/migrations';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { Rng } from '../../models/seed/random';
import { cardIn, freshDataDir, type Pushed, removeDataDir, textOf } from './app';
import { CrashingApp, cardOf, fieldOf, type Inboxes } from './crash-driver';

/**
 * Issue 11 item 6: 50 quote-to-cash flows at once through the console API of the real app
 * process, which is SIGKILLed at 10 moments drawn from a seeded PRNG (CRASH_SEED=… repeats a
 * run's moments) and started again each time. Clients send a request that failed because the
 * app was down again with the same message id, as a chat platform redelivers. Each flow: the
 * rep quotes A100×10 B200×1 at 8 % off for a customer of their own (one step: the team's
 * manager), the manager approves on the card, the warehouse ships everything with one 发货,
 * finance records the payment with 回款. Every flow completes, the stock ledger balances, and
 * nothing is recorded or pushed twice.
 */
const FLOWS = 50;
const KILLS = 10;
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEP_MS = 180_000; // what any one step may take, crashes and restarts included: only a hang exceeds it
const REPS = ['zhangwei', 'lina', 'sunli', 'wuhao', 'zhengjie', 'lintao', 'hejing', 'liangbin'];
const MANAGER_OF_TEAM: Record<string, { login: string; name: string }> = {
  华东: { login: 'wangfang', name: '王芳' },
  华南: { login: 'chengang', name: '陈刚' },
};
const code = (i: number) => `LT${String(i + 1).padStart(2, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isText = (m: Pushed, s: string) => m.reply.kind === 'text' && m.reply.text.includes(s);

/** The demo company as `npm start` makes it on an empty database, plus 50 customers without history, owned round-robin by the reps. */
async function prepare(dataDir: string) {
  const db = await openDb({ url: `sqlite:${join(dataDir, 'q2c.sqlite')}` });
  await migrate(db);
  await seedDemoCompany(db);
  const { User, Team, Customer } = db.models;
  const teams = new Map((await Team.findAll()).map((t) => [t.id, t.name]));
  const found = await User.findAll({ where: { login: REPS } });
  const flows = Array.from({ length: FLOWS }, (_, i) => found.find((u) => u.login === REPS[i % REPS.length]) as (typeof found)[number]);
  await Customer.bulkCreate(
    flows.map((rep, i) => ({
      code: code(i),
      name: `压测客户${code(i)}`,
      grade: 'B' as const,
      creditLimitFen: 100_000_000,
      paymentTermsDays: 30,
      ownerUserId: rep.id,
      teamId: rep.teamId,
      region: null,
    })),
  );
  await db.close();
  return flows.map((rep) => ({
    rep: rep.login,
    manager: MANAGER_OF_TEAM[teams.get(rep.teamId ?? -1) ?? ''] as { login: string; name: string },
  }));
}

describe('crash and load: 50 flows, 10 SIGKILLs', () => {
  const dataDir = freshDataDir('q2c-crash-');
  let cluster: CrashingApp | undefined;
  let inboxes: Inboxes | undefined;
  afterAll(async () => {
    await inboxes?.stop();
    await cluster?.current.stop('SIGKILL');
    removeDataDir(dataDir);
  });

  it('every flow completes, the ledger balances, nothing is recorded or pushed twice', async () => {
    console.log(`[crash-load] seed ${SEED} (CRASH_SEED=${SEED} repeats these kill moments)`);
    const began = Date.now();
    const people = await prepare(dataDir);
    const preparedMs = Date.now() - began;
    const app = await CrashingApp.start(dataDir);
    cluster = app;
    const watched = [...new Set([...people.flatMap((p) => [p.rep, p.manager.login]), 'chenjing'])];
    const inbox = app.watchInboxes(watched);
    inboxes = inbox;
    const ready = Date.now();
    const stage: string[] = Array.from({ length: FLOWS }, () => 'waiting');
    const spent: Record<string, number[]> = {}; // ms each flow spent in each stage, for the log
    const since: number[] = Array.from({ length: FLOWS }, () => ready);
    const move = (i: number, next: string) => {
      const was = stage[i] as string;
      spent[was] = [...(spent[was] ?? []), Date.now() - (since[i] as number)];
      stage[i] = next;
      since[i] = Date.now();
    };
    const orders: { orderNo: string; quoteNo: string; totalFen: number }[] = [];
    const must = async (p: Promise<Pushed | null>, what: string) => {
      const hit = await p;
      if (!hit) throw new Error(`no push of ${what} within ${STEP_MS} ms`);
      return hit;
    };

    async function flow(i: number) {
      const { rep, manager } = people[i] as (typeof people)[number];
      await sleep(i * 150); // a modest pace: the flows overlap without all starting in one instant
      move(i, 'quote');
      const quote = cardIn(await app.request((api) => api.say(rep, `报价 ${code(i)} A100×10 B200×1 折扣8%`, `crash-quote-${i}`)), 'quote:');
      const quoteNo = (/QT-\d{8}-\d{4}/.exec(quote.title) as RegExpExecArray)[0];
      expect(quote.notes).toEqual([`审批 1：${manager.name}（销售经理）— 折扣 8% > 5%`]); // the one path this rule implies
      const total = fieldOf(quote, '价税合计').replace(/[¥,]/g, '');
      move(i, 'submit');
      expect(textOf(await app.request((api) => api.click(rep, quote, 'quote.submit')))).toMatch(/已提交|已经提交过了/);

      move(i, 'approval card');
      const pushed = await must(
        inbox.waitFor(manager.login, 'the approval card', (m) => m.kind === 'card' && JSON.stringify(m.reply).includes(quoteNo), STEP_MS),
        `${quoteNo}'s approval card to ${manager.login}`,
      );
      const approval = cardOf(pushed) as Card;
      const orderNo = (/SO-\d{8}-\d{4}/.exec(fieldOf(approval, '订单')) as RegExpExecArray)[0];
      move(i, 'approve');
      for (let clicks = 1; ; clicks++) {
        const said = textOf(await app.request((api) => api.click(manager.login, approval, 'approval.approve')));
        if (said.includes(`${manager.name} 已同意 ${quoteNo}`) || /已由 .+ 同意/.test(said)) break;
        // Being handled: the card updates by push once decided. A click answered so and then lost
        // with the process (its update not yet accepted by the flow) never updates the card: the
        // approver, seeing it still open, clicks again, as a person would.
        expect(said, `${quoteNo} click ${clicks}`).toContain('正在处理');
        const decided = (m: Pushed) =>
          m.kind === 'card_update' && cardOf(m)?.id === approval.id && !!cardOf(m)?.status?.text.includes('已同意');
        if (await inbox.waitFor(manager.login, 'the decided card', decided, 15_000)) break;
        clickedAgain++;
        if (clicks >= 6) throw new Error(`${quoteNo}: the approval never took after ${clicks} clicks: ${said}`);
      }

      move(i, 'shipping notice');
      const isNotice = (m: Pushed) =>
        m.kind === 'card' && !!cardOf(m)?.id.startsWith('shipnotice:') && !!cardOf(m)?.title.includes(orderNo);
      await must(inbox.waitFor('chenjing', 'the shipping notice', isNotice, STEP_MS), `${orderNo}'s shipping notice`);
      move(i, 'ship');
      const tracking = `SF${9_000_000_000 + i}`;
      const shipped = textOf(
        await app.request((api) => api.say('chenjing', `发货 ${orderNo} A100×10 B200×1 顺丰 ${tracking}`, `crash-ship-${i}`)),
      );
      // an answer lost with a crash: the same message again answers with the shipment it recorded
      expect(shipped, orderNo).toContain('已登记发货');

      move(i, 'pay');
      const paid = cardIn(await app.request((api) => api.say('liuyang', `回款 ${code(i)} ${total}`, `crash-pay-${i}`)), 'payment:');
      expect([fieldOf(paid, '未核销（预收）'), paid.table?.rows.map((r) => r[2])], orderNo).toEqual(['¥0.00', ['已结清']]);
      move(i, 'complete');
      await must(
        inbox.waitFor(rep, 'the order completed', (m) => isText(m, `订单 ${orderNo} 已完成`), STEP_MS),
        `${orderNo} completed`,
      );
      move(i, 'done');
      orders[i] = { orderNo, quoteNo, totalFen: Math.round(Number(total) * 100) };
    }

    let clickedAgain = 0;
    const rng = new Rng(SEED); // the seed data's PRNG: the same seed, the same kill moments
    const killedAt: string[] = [];
    async function killer() {
      for (let k = 1; k <= KILLS; k++) {
        await sleep(rng.int(500, 5500)); // up this long, then killed
        const at: Record<string, number> = {};
        for (const s of stage) at[s] = (at[s] ?? 0) + 1;
        killedAt.push(JSON.stringify(at));
        await app.crash();
      }
    }

    await Promise.all([killer(), ...Array.from({ length: FLOWS }, (_, i) => flow(i))]);
    const flowsMs = Date.now() - ready;
    await inbox.stop();
    expect((await app.current.stop('SIGTERM')).code).toBe(0);
    const stat = (ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      return `median ${Math.round((sorted[sorted.length >> 1] ?? 0) / 100) / 10} s, max ${Math.round((sorted[sorted.length - 1] ?? 0) / 100) / 10} s`;
    };
    console.log(
      `[crash-load] seed ${SEED}: demo company and ${FLOWS} customers in ${Math.round(preparedMs / 1000)} s, first start ${Math.round((ready - began - preparedMs) / 1000)} s; ` +
        `${FLOWS} flows, ${KILLS} kills in ${Math.round(flowsMs / 1000)} s; restarts ${app.restartMs.map((ms) => Math.round(ms / 100) / 10).join(' ')} s; ` +
        `${app.resent.afterCrash} requests sent again after a crash, ${clickedAgain} approvals clicked again\n  time per stage: ` +
        Object.entries(spent)
          .filter(([s]) => s !== 'waiting')
          .map(([s, ms]) => `${s} ${stat(ms)}`)
          .join('; ') +
        `\n  flows at each kill:\n  ${killedAt.join('\n  ')}`,
    );
    expect(app.resent.serverErrors).toEqual([]); // a process that stayed up answered every request

    const db = await openDb({ url: `sqlite:${join(dataDir, 'q2c.sqlite')}` });
    try {
      const q = <T extends object>(sql: string) => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
      const numbers = orders.map((o) => `'${o.orderNo}'`).join(',');
      const perOrder = await q<Record<string, number | string>>(
        `SELECT o.number, o.status, o.total_fen AS total,
           (SELECT COUNT(*) FROM shipments s WHERE s.sales_order_id = o.id) AS shipments,
           (SELECT COUNT(*) FROM receivables r WHERE r.sales_order_id = o.id) AS receivables,
           (SELECT COUNT(*) FROM receivables r WHERE r.sales_order_id = o.id AND r.status = 'paid' AND r.paid_fen = o.total_fen) AS paid,
           (SELECT COUNT(*) FROM payments p WHERE p.customer_id = o.customer_id) AS payments,
           (SELECT COUNT(*) FROM payment_allocations a JOIN receivables r ON r.id = a.receivable_id WHERE r.sales_order_id = o.id) AS allocations,
           (SELECT COUNT(*) FROM sales_orders o2 WHERE o2.customer_id = o.customer_id) AS orders
         FROM sales_orders o WHERE o.number IN (${numbers}) ORDER BY o.number`,
      );
      expect(perOrder).toHaveLength(FLOWS);
      for (const row of perOrder)
        expect(row).toEqual({ ...row, status: 'completed', shipments: 1, receivables: 1, paid: 1, payments: 1, allocations: 1, orders: 1 });
      expect(await ledgerDiscrepancies(db)).toEqual([]);
      // a quote message redelivered after its answer was lost makes a second draft (not idempotent yet): counted, not asserted
      const drafts = await q<{ n: number }>(
        `SELECT COUNT(*) AS n FROM quotes q JOIN customers c ON c.id = q.customer_id WHERE c.code LIKE 'LT%' AND q.status = 'draft'`,
      );
      console.log(`[crash-load] draft quotes left by redelivered quote messages: ${drafts[0]?.n}`);

      // each push once: per dedupe key and recipient, and per message (the same content twice to one person)
      expect(
        await q('SELECT recipient_user_id, dedupe_key FROM outbox_messages WHERE dedupe_key IS NOT NULL GROUP BY 1, 2 HAVING COUNT(*) > 1'),
      ).toEqual([]);
      expect(
        await q<object>(`SELECT recipient_user_id, kind, card_id, COUNT(*) AS n FROM outbox_messages
                 WHERE dedupe_key IS NULL OR dedupe_key NOT LIKE 'click-refused:%' GROUP BY recipient_user_id, kind, card_id, payload HAVING COUNT(*) > 1`),
      ).toEqual([]);
      // and what each person expects of a flow, once each
      for (const [i, o] of orders.entries()) {
        const { rep, manager } = people[i] as (typeof people)[number];
        const texts = (login: string, s: string) => inbox.of(login).filter((m) => isText(m, s)).length;
        for (const s of [
          `${o.quoteNo} 已提交 ${manager.name} 审批`,
          `${manager.name} 已同意 ${o.quoteNo}`,
          `订单 ${o.orderNo} 已确认`,
          `订单 ${o.orderNo} 已发货`,
          `订单 ${o.orderNo} 已完成`,
        ])
          expect(texts(rep, s), `${rep}: ${s}`).toBe(1);
        const cards = (login: string, pred: (c: Card) => boolean) =>
          inbox.of(login).filter((m) => m.kind === 'card' && pred(cardOf(m) as Card)).length;
        expect(cards(manager.login, (c) => c.title.startsWith('报价审批') && JSON.stringify(c).includes(o.orderNo))).toBe(1);
        expect(cards('chenjing', (c) => c.id.startsWith('shipnotice:') && c.title.includes(o.orderNo))).toBe(1);
      }
    } finally {
      await db.close();
    }
  }, 600_000);
});
