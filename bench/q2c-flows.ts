/**
 * q2c_flows_per_s: complete quote-to-cash flows driven through the console API, the way the
 * people of the demo company drive them — 张伟 quotes and submits, 王芳 and 李强 approve on
 * their pushed cards, 陈静 ships when the shipping notice arrives, 刘洋 records the payment —
 * until 张伟 is told the order is 已完成. Pushes are read as the console reads them: one
 * long-polling inbox per user (GET /console/api/inbox?wait=…), dispatched to the waiting flow.
 */

import { quantile } from './load';
import { cpuMeter } from './processes';
import type { BenchContext, Section } from './q2c';

const FLOWS = Number(process.env.BENCH_FLOWS ?? 200);
const DRIVERS = Number(process.env.BENCH_FLOW_DRIVERS ?? 40);
const WARMUP_FLOWS = 10;

interface Card {
  id: string;
  title: string;
  fields?: { label: string; value: string }[];
  status?: { text: string };
  buttons?: { action: string; value: Record<string, unknown> }[];
}
type Reply = { kind: 'text'; text: string } | { kind: 'card'; card: Card };

async function call<T>(base: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A user's pushes, long-polled; waiters take the first push their predicate accepts. */
class Inbox {
  private cursor = 0;
  private stopped = false;
  private waiters: { accept: (r: Reply) => boolean; resolve: (r: Reply) => void }[] = [];
  private seen: Reply[] = [];
  constructor(
    private base: string,
    readonly userId: string,
  ) {}

  async start(): Promise<void> {
    // skip what was pushed before the run (the demo company's history)
    for (;;) {
      const page = await call<{ messages: unknown[]; next: number }>(
        this.base,
        `/console/api/inbox?userId=${this.userId}&after=${this.cursor}&limit=200`,
      );
      this.cursor = page.next;
      if (page.messages.length < 200) break;
    }
    void this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const page = await call<{ messages: { reply: Reply }[]; next: number }>(
        this.base,
        `/console/api/inbox?userId=${this.userId}&after=${this.cursor}&limit=200&wait=2`,
      ).catch(() => ({ messages: [], next: this.cursor }));
      this.cursor = page.next;
      for (const m of page.messages) this.offer(m.reply);
    }
  }

  private offer(r: Reply): void {
    const w = this.waiters.find((x) => x.accept(r));
    if (w) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(r);
    } else {
      this.seen.push(r);
      if (this.seen.length > 5000) this.seen.splice(0, 1000);
    }
  }

  waitFor(what: string, accept: (r: Reply) => boolean, ms = 60_000): Promise<Reply> {
    const early = this.seen.findIndex(accept);
    if (early >= 0) return Promise.resolve(this.seen.splice(early, 1)[0] as Reply);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.userId}: no ${what} within ${ms} ms`)), ms);
      this.waiters.push({
        accept,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  stop(): void {
    this.stopped = true;
  }
}

const cardIn = (replies: Reply[], prefix: string): Card => {
  const r = replies.find((x) => x.kind === 'card' && x.card.id.startsWith(prefix));
  if (r?.kind !== 'card') throw new Error(`no ${prefix} card in ${JSON.stringify(replies).slice(0, 400)}`);
  return r.card;
};
const textIn = (replies: Reply[]) => replies.map((r) => (r.kind === 'text' ? r.text : '')).join('\n');
const yuan = (s: string) => s.replace(/[¥,]/g, '');

const TRACE = process.env.BENCH_TRACE === '1';

async function oneFlow(base: string, inboxes: Record<string, Inbox>, n: number): Promise<number> {
  const t0 = performance.now();
  let last = t0;
  const mark = (what: string) => {
    if (!TRACE) return;
    const now = performance.now();
    console.log(`flow ${n}: ${what} +${(now - last).toFixed(0)} ms`);
    last = now;
  };
  const say = (userId: string, text: string) =>
    call<{ replies: Reply[] }>(base, '/console/api/messages', { userId, text }).then((r) => r.replies);
  const click = (userId: string, card: Card, action: string) => {
    const b = card.buttons?.find((x) => x.action === action);
    if (!b) throw new Error(`${card.id} has no ${action}`);
    return call<{ replies: Reply[] }>(base, '/console/api/actions', { userId, cardId: card.id, action, value: b.value }).then(
      (r) => r.replies,
    );
  };
  const quote = cardIn(await say('zhangwei', '报价 华东机电 A100×10 折扣12%'), 'quote:');
  const quoteNo = /QT-\d{8}-\d+/.exec(quote.title)?.[0] as string;
  mark('quoted');
  await click('zhangwei', quote, 'quote.submit');
  mark('submitted');
  const workflowId = `q2c-${quoteNo}`;
  const isApproval = (r: Reply) =>
    r.kind === 'card' && r.card.id.startsWith('approval:') && r.card.buttons?.[0]?.value.workflowId === workflowId;
  let orderNo = '';
  for (const approver of ['wangfang', 'liqiang']) {
    const card = (await (inboxes[approver] as Inbox).waitFor(`approval card for ${workflowId}`, isApproval)) as { card: Card };
    orderNo ||= /SO-\d{8}-\d+/.exec(card.card.fields?.find((f) => f.label === '订单')?.value ?? '')?.[0] ?? '';
    mark(`${approver} got the card`);
    let decided = textIn(await click(approver, card.card, 'approval.approve'));
    if (decided.includes('正在处理')) {
      // answered before the flow was done (bot/actions/approval-decide): the card updates by push
      const updated = await (inboxes[approver] as Inbox).waitFor(
        `decided card for ${workflowId}`,
        (r) => r.kind === 'card' && r.card.id === card.card.id && (r.card.status?.text ?? '').includes('已同意'),
      );
      decided = updated.kind === 'card' ? (updated.card.status?.text ?? '') : '';
    }
    mark(`${approver} approved`);
    if (!decided.includes('已同意')) throw new Error(`${approver} could not approve ${workflowId}: ${decided}`);
  }
  await (inboxes.chenjing as Inbox).waitFor(
    `shipping notice ${orderNo}`,
    (r) => r.kind === 'card' && r.card.id.startsWith('shipnotice:') && r.card.title.includes(orderNo),
  );
  mark('shipping notice arrived');
  const shipped = textIn(await say('chenjing', `发货 ${orderNo} A100×10 顺丰 SF${String(9_000_000_000 + n)}`));
  const amount = /应收 AR-\S+ (¥[\d,.]+)/.exec(shipped)?.[1];
  if (!amount) throw new Error(`flow ${n} (${workflowId}) shipping ${orderNo} said: ${shipped}`);
  mark('shipped');
  await say('liuyang', `回款 华东机电 ${yuan(amount)}`);
  mark('paid');
  // payments are written off oldest first: this flow completes when its own receivable is cleared
  await (inboxes.zhangwei as Inbox).waitFor(
    `${orderNo} 已完成`,
    (r) => r.kind === 'text' && r.text.includes(`订单 ${orderNo} 已完成`),
    120_000,
  );
  mark('completed');
  return performance.now() - t0;
}

export const flowsSection: Section = {
  name: 'flows',
  async run(ctx: BenchContext) {
    const base = ctx.app.base;
    const inboxes: Record<string, Inbox> = {};
    for (const u of ['zhangwei', 'wangfang', 'liqiang', 'chenjing']) {
      inboxes[u] = new Inbox(base, u);
      await inboxes[u].start();
    }
    try {
      for (let i = 0; i < WARMUP_FLOWS; i++) await oneFlow(base, inboxes, i);
      const latencies: number[] = [];
      let next = 0;
      const pid = ctx.app.pid;
      const cpu = cpuMeter({ app: pid, main: { pid, tid: pid } });
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: DRIVERS }, async () => {
          while (next < FLOWS) {
            const n = WARMUP_FLOWS + next++;
            latencies.push(await oneFlow(base, inboxes, n));
          }
        }),
      );
      const s = (performance.now() - t0) / 1000;
      const spent = cpu();
      const msPerFlow = (v: number) => `${((1000 * v) / FLOWS).toFixed(0)} ms`;
      latencies.sort((a, b) => a - b);
      const perS = FLOWS / s;
      console.log(
        `flows: ${FLOWS} complete flows (quote, 2 approvals, shipment, payment → 已完成), ${DRIVERS} at a time, in ${s.toFixed(1)} s = ${perS.toFixed(1)}/s; ` +
          `one flow takes p50 ${(quantile(latencies, 0.5) / 1000).toFixed(2)} s, p99 ${(quantile(latencies, 0.99) / 1000).toFixed(2)} s; ` +
          `CPU per flow: app ${msPerFlow(spent.app)} (its main thread ${msPerFlow(spent.main)}), ` +
          `machine ${msPerFlow(spent.machine)}, taken by the hypervisor ${msPerFlow(spent.steal)}`,
      );
      return [`q2c_flows_per_s=${perS.toFixed(1)}`];
    } finally {
      for (const i of Object.values(inboxes)) i.stop();
    }
  },
};
