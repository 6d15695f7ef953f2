/**
 * Records the histories of representative flows of THIS release into replay fixtures
 * (tests/workflows/fixtures/<release>--<scenario>.json), which tests/workflows/replay.test.ts
 * replays against the workflow code of every later change. Open flows matter most: a flow
 * started by this release may still be waiting weeks later, when newer code picks it up.
 *
 *   npx tsx scripts/record-workflow-histories.ts [--release 0.1.0] [--out DIR]
 *
 * Runs the real SDK worker, the embedded server on its manual virtual clock and a SQLite demo
 * company (tests/workflows/harness.ts), driven by messages and card clicks as users drive them.
 * It never overwrites a fixture: old releases' histories are what running flows look like, and
 * re-recording one to make the replay test pass would hide the very break it exists to catch.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Card } from '../bot/cards/card';
import { cardOf, eventually, type Q2cEnv, startQ2c, textOf } from '../tests/workflows/harness';
import { historyToJSON } from '../tests/workflows/history-json';
import { quoteToCashId, receivableCollectionId } from '../workflows/messages';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const root = join(__dirname, '..');
const { values: args } = parseArgs({
  options: {
    release: { type: 'string', default: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version },
    out: { type: 'string', default: join(root, 'tests', 'workflows', 'fixtures') },
  },
});
const release = args.release as string;
const outDir = args.out as string;

type Status = 'COMPLETED' | 'RUNNING';
const recorded: { name: string; workflowId: string; status: Status }[] = [];

/** the history stops growing: no workflow task or activity in flight, so the fixture ends where the flow rests */
async function settled(env: Q2cEnv, workflowId: string) {
  let last = -1;
  let still = 0;
  await eventually(async () => {
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const open = new Set<string>();
    for (const e of events) {
      if (e.activityTaskScheduledEventAttributes) open.add(`a${e.eventId}`);
      if (e.workflowTaskScheduledEventAttributes) open.add(`w${e.eventId}`);
      const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
      if (done) open.delete(`a${done.scheduledEventId}`);
      const wft = e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes;
      if (wft) open.delete(`w${wft.scheduledEventId}`);
    }
    still = open.size === 0 && events.length === last ? still + 1 : 0;
    last = events.length;
    return still >= 3;
  }, `${workflowId} at rest`);
}

/** moves the virtual clock once these flows rest: a jump over a workflow task in flight would time it out into the history */
async function advance(env: Q2cEnv, ms: number, ...workflowIds: string[]) {
  for (const id of workflowIds) await settled(env, id);
  await env.server.advanceTime(ms);
}

async function record(env: Q2cEnv, name: string, workflowId: string, status: Status) {
  await settled(env, workflowId);
  const handle = env.client.workflow.getHandle(workflowId);
  const actual = (await handle.describe()).status.name;
  if (actual !== status) throw new Error(`${name}: ${workflowId} is ${actual}, expected ${status}`);
  recorded.push({ name, workflowId, status });
  const file = join(outDir, `${release}--${name}.json`);
  writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
  console.log(`${status.padEnd(9)} ${workflowId.padEnd(28)} → ${file}`);
}

/** a quote typed and submitted by `rep`: its order and flow */
async function submit(env: Q2cEnv, rep: string, text: string) {
  const card = cardOf(await env.say(rep, text));
  const submitted = textOf(await env.click(rep, card, 'quote.submit'));
  if (!submitted.includes('已提交')) throw new Error(`${text}: ${submitted}`);
  const quoteId = Number(card.id.split(':')[1]);
  const order = await eventually(() => env.db.models.SalesOrder.findOne({ where: { quoteId } }), 'order opened');
  const quote = await env.db.models.Quote.findByPk(quoteId);
  return { order, workflowId: quoteToCashId(quote!.number) };
}

/** the approval card pushed to `login` for this order, once it is there with its buttons */
const approvalCard = (env: Q2cEnv, login: string, orderNumber: string, title = '报价审批') =>
  eventually<Card>(async () => {
    const c = await env.latestCard(login, 'approval:');
    return c?.title.startsWith(title) && c.buttons?.length && c.fields?.some((f) => f.value.includes(orderNumber)) ? c : null;
  }, `${title} card for ${login} on ${orderNumber}`);

async function approve(env: Q2cEnv, login: string, orderNumber: string) {
  const said = textOf(await env.click(login, await approvalCard(env, login, orderNumber), 'approval.approve'));
  if (!said.includes('已同意')) throw new Error(`${login} approving ${orderNumber}: ${said}`);
}

const statusIs = (env: Q2cEnv, orderId: number, status: string) =>
  eventually(async () => (await env.db.models.SalesOrder.findByPk(orderId))?.status === status, `order ${orderId} ${status}`);

async function ship(env: Q2cEnv, orderNumber: string, what: string, trackingNo: string) {
  const said = textOf(await env.say('chenjing', `发货 ${orderNumber} ${what} 顺丰 ${trackingNo}`));
  if (!said.includes('已登记发货')) throw new Error(`shipping ${what} of ${orderNumber}: ${said}`);
}

const receivablesOf = (env: Q2cEnv, orderId: number) =>
  env.db.models.Receivable.findAll({ where: { salesOrderId: orderId }, order: [['id', 'ASC']] });

/** `n` timers started in the flow so far: the clock may move only once the flow has set the one it waits on */
const timersStarted = (env: Q2cEnv, workflowId: string, n: number) =>
  eventually(
    async () =>
      ((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((e) => e.timerStartedEventAttributes).length >=
      n,
    `${n} timers in ${workflowId}`,
  );

async function scenarios(env: Q2cEnv) {
  // (a) two approval levels, two shipments, two payments → completed; its receivables' flows end paid
  const a = await submit(env, 'zhangwei', '报价 华东机电 A100×2000 折扣12%');
  await approve(env, 'wangfang', a.order.number);
  await approve(env, 'liqiang', a.order.number);
  await statusIs(env, a.order.id, 'to_ship');
  await ship(env, a.order.number, 'A100×1200', 'SF7000000001');
  await ship(env, a.order.number, 'A100×800', 'SF7000000002');
  const aRecs = await receivablesOf(env, a.order.id);
  for (const r of aRecs) await env.say('liuyang', `回款 华东机电 ${(r.amountFen / 100).toFixed(2)}`);
  await statusIs(env, a.order.id, 'completed');
  await record(env, 'q2c-completed', a.workflowId, 'COMPLETED');
  await record(env, 'ar-paid', receivableCollectionId(aRecs[0]!.number), 'COMPLETED');

  // (e) a receivable dunned at D+1, partly paid, dunned at D+7, waiting for D+15; its order collecting
  const e = await submit(env, 'zhangwei', '报价 华东机电 A100×10');
  await statusIs(env, e.order.id, 'to_ship');
  await ship(env, e.order.number, 'A100×10', 'SF7000000003');
  const [eRec] = await receivablesOf(env, e.order.id);
  const arId = receivableCollectionId(eRec!.number);
  await timersStarted(env, arId, 1);
  const dueAt = new Date(`${eRec!.dueDate}T09:00:00+08:00`).getTime();
  await advance(env, dueAt - env.server.now() + DAY + 1000, arId, e.workflowId);
  await timersStarted(env, arId, 2);
  await env.say('liuyang', `回款 华东机电 ${(Math.floor(eRec!.amountFen / 2) / 100).toFixed(2)}`);
  await advance(env, 6 * DAY, arId, e.workflowId);
  await timersStarted(env, arId, 3);
  await record(env, 'ar-open-dunned', arId, 'RUNNING');
  await record(env, 'q2c-open-collecting', e.workflowId, 'RUNNING');

  // (b) the manager rejects
  const b = await submit(env, 'zhangwei', '报价 华东机电 A100×100 折扣8%');
  await env.click('wangfang', await approvalCard(env, 'wangfang', b.order.number), 'approval.reject', '价格太低');
  await record(env, 'q2c-rejected', b.workflowId, 'COMPLETED');

  // (c) approved, then cancelled by the rep before anything shipped
  const c = await submit(env, 'zhangwei', '报价 华东机电 A100×100 折扣8%');
  await approve(env, 'wangfang', c.order.number);
  await statusIs(env, c.order.id, 'to_ship');
  await env.click('zhangwei', cardOf(await env.say('zhangwei', `订单 ${c.order.number}`)), 'order.cancel', '客户取消');
  await record(env, 'q2c-cancelled-after-approval', c.workflowId, 'COMPLETED');

  // (c') cancelled after a partial shipment (today's code allows it): the receivable's flow is voided
  const c2 = await submit(env, 'zhangwei', '报价 华东机电 A100×300');
  await statusIs(env, c2.order.id, 'to_ship');
  await ship(env, c2.order.number, 'A100×100', 'SF7000000004');
  await env.click('zhangwei', cardOf(await env.say('zhangwei', `订单 ${c2.order.number}`)), 'order.cancel', '客户取消');
  await record(env, 'q2c-cancelled-after-shipment', c2.workflowId, 'COMPLETED');
  await record(env, 'ar-voided', receivableCollectionId((await receivablesOf(env, c2.order.id))[0]!.number), 'COMPLETED');

  // (d) open flows. The director's step, after the manager approved: reminded at 4 h, waiting for the escalation
  const d1 = await submit(env, 'zhangwei', '报价 华东机电 A100×2000 折扣12%');
  await approve(env, 'wangfang', d1.order.number);
  await approvalCard(env, 'liqiang', d1.order.number);
  await timersStarted(env, d1.workflowId, 2);
  await advance(env, 4 * HOUR + 1000, d1.workflowId, arId, e.workflowId);
  await timersStarted(env, d1.workflowId, 3);
  await record(env, 'q2c-open-approval-reminded', d1.workflowId, 'RUNNING');

  // partly shipped, waiting for the rest; its receivable waits for its due date
  const d2 = await submit(env, 'zhangwei', '报价 华东机电 A100×300');
  await statusIs(env, d2.order.id, 'to_ship');
  await ship(env, d2.order.number, 'A100×100', 'SF7000000005');
  await record(env, 'q2c-open-partially-shipped', d2.workflowId, 'RUNNING');
  await record(env, 'ar-open-before-due', receivableCollectionId((await receivablesOf(env, d2.order.id))[0]!.number), 'RUNNING');

  // over the credit limit: waiting for finance's override
  const d3 = await submit(env, 'lina', '报价 广州恒通 A100×1000');
  await approvalCard(env, 'liuyang', d3.order.number, '超信用额度审批');
  await record(env, 'q2c-open-credit-approval', d3.workflowId, 'RUNNING');

  // confirmed with a shortfall back-ordered, nothing shipped yet
  const d4 = await submit(env, 'zhangwei', '报价 华东机电 B200×200');
  await statusIs(env, d4.order.id, 'to_ship');
  await record(env, 'q2c-open-to-ship-backordered', d4.workflowId, 'RUNNING');
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const clash = readdirSync(outDir).find((f) => f.startsWith(`${release}--`));
  if (clash) throw new Error(`${clash} exists: a release's fixtures are never re-recorded; pass --release <new name>`);
  const env = await startQ2c({ virtualClock: 'manual' });
  try {
    await scenarios(env);
    // the recording is only useful if the code that made it replays it
    console.log(`replayed ${await env.replayAll()} histories with the current bundle`);
  } finally {
    await env.stop();
  }
  // which code made them: the one thing a fixture cannot say about itself
  const commit = execFileSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8' }).trim();
  const index = join(outDir, 'README.md');
  if (!existsSync(index))
    writeFileSync(
      index,
      '# Replay fixtures\n\nRecorded by `scripts/record-workflow-histories.ts`; never re-recorded.\n\n| release | recorded from | fixtures |\n| --- | --- | --- |\n',
    );
  appendFileSync(index, `| ${release} | ${commit} | ${recorded.map((r) => `${r.name} (${r.status.toLowerCase()})`).join(', ')} |\n`);
  console.log(`${recorded.length} fixtures of release ${release} (code ${commit}) in ${outDir}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
