/**
 * npm run bench:channels — the Lark channel's two figures, against the loopback fake of the
 * open platform (tests/fakes/lark) with Lark's real limits.
 *
 *   1. pushes: the delivery dispatcher and the Lark channel in this process (the test harness:
 *      a fresh demo company on SQLite, the official SDK talking to the fake) take a burst of
 *      BENCH_LARK_PUSHES pushes to each of BENCH_LARK_RECIPIENTS people. The figure is messages
 *      in the fake's chats per second, from the first push written until the last message
 *      arrived; the fake must have refused none (it enforces 5/s per user).
 *   2. card updates: the real app (`node --import tsx main.ts`, started as bench:q2c starts it:
 *      tests/e2e/app.ts imports vitest, which a tsx script cannot) on the long connection to the
 *      fake. Reps quote in chat, click 提交审批 on the quote card;
 *      the manager's approval card arrives and the manager clicks 同意. Measured from sending the
 *      click until every message in the fake that showed this approval card shows it decided (no
 *      buttons), by the click's answer (the card redrawn in place) or a PATCH, whichever first.
 *
 * Env: BENCH_LARK_RECIPIENTS (20), BENCH_LARK_PUSHES (50), BENCH_LARK_DECISIONS (40),
 * BENCH_LARK_DRIVERS (4), BENCH_LARK_CONCURRENCY (the app's delivery.concurrency), BENCH_ONLY=pushes,cards,dingtalk,wecom,wechat (default: all), BENCH_KEEP=1 (keep the app's data directory and log).
 * The last two lines: lark_pushes_per_s=…, lark_card_update_p99_ms=…
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config';
import { type FakeLark, type FakeMessage, startFakeLark } from '../tests/fakes/lark';
import { openIdOf, startLarkHarness } from '../tests/helpers/lark-harness';
import { dingtalkPushesSection } from './channels-dingtalk';
import { wechatPushesSection } from './channels-wechat';
import { wecomPushesSection } from './channels-wecom';
import { quantile } from './load';
import { startNode } from './processes';
import { arrivedInOrder, benchRecipients, warmUp, writeBurst } from './push-burst';

const RECIPIENTS = Number(process.env.BENCH_LARK_RECIPIENTS ?? 20);
const PUSHES = Number(process.env.BENCH_LARK_PUSHES ?? 50);
const DECISIONS = Number(process.env.BENCH_LARK_DECISIONS ?? 40);
const DRIVERS = Number(process.env.BENCH_LARK_DRIVERS ?? 4);
const ONLY = (process.env.BENCH_ONLY ?? 'pushes,cards,dingtalk,wecom,wechat').split(',');
const WARMUP_DECISIONS = 2;
const QUOTE = '报价 华东机电 A100×100 折扣8%';
const DEMO_LOGINS = ['zhangwei', 'lina', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'zhaolei', 'admin', 'chengang', 'sunli'];
/** 华东机电 is 张伟's customer (other reps may not quote it); his quotes go to 王芳 */
const REP = 'zhangwei';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const textOf = (m: FakeMessage) => (m.content as { text?: string }).text ?? '';

async function until<T>(what: string, get: () => T | undefined | null | false, ms = 60_000, everyMs = 2, seen?: () => unknown): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== null && v !== false) return v;
    if (performance.now() > deadline)
      throw new Error(`bench: no ${what} within ${ms} ms${seen ? `; saw ${JSON.stringify(seen()).slice(0, 2000)}` : ''}`);
    await sleep(everyMs);
  }
}

async function pushesSection(): Promise<string> {
  const concurrency = process.env.BENCH_LARK_CONCURRENCY ? { concurrency: Number(process.env.BENCH_LARK_CONCURRENCY) } : {};
  const h = await startLarkHarness({ delivery: { pollMs: 1_000, backoffBaseMs: 1_000, backoffMaxMs: 300_000, ...concurrency } });
  try {
    const config: AppConfig = h.config;
    const to = await benchRecipients(h.t.db, RECIPIENTS, (i) => ({ email: `bench${i}@demo.q2c.cn` }));
    for (const u of to)
      if (!h.fake.store.users.has(openIdOf(u.login)))
        h.fake.addUser({ openId: openIdOf(u.login), name: u.name, email: u.email ?? undefined });
    // first contact (the directory lookup by email) is not what is measured: bind everyone first
    await warmUp(
      h.t.db,
      to.map((u) => u.id),
      h.delivery,
    );

    const total = RECIPIENTS * PUSHES;
    const before = h.fake.messages.length;
    const violations = h.fake.violations.total;
    const t0 = Date.now();
    await writeBurst(
      h.t.db,
      to.map((u) => u.id),
      PUSHES,
    );
    const written = Date.now();
    await until('every push in the fake', () => h.fake.messages.length - before >= total, 600_000);
    const arrived = h.fake.messages.slice(before);
    const last = Math.max(...arrived.map((m) => m.createdAt));
    const elapsedS = (last - t0) / 1000;
    const perS = total / elapsedS;
    const allowance = 5 * RECIPIENTS;
    // once the first second's allowance has gone out, the pace is what the windows let through
    const byTime = arrived.map((m) => m.createdAt).sort((a, b) => a - b);
    const firstWindow = byTime[allowance - 1] as number;
    const steady = (total - allowance) / ((last - firstWindow) / 1000);
    const inOrder = arrivedInOrder(
      to.map((u) => h.fake.p2pMessagesOf(openIdOf(u.login)).map(textOf)),
      PUSHES,
    );
    console.log(
      `pushes: ${total} (${RECIPIENTS} recipients × ${PUSHES}) written in ${written - t0} ms, all in the fake after ${elapsedS.toFixed(2)} s; ` +
        `in order per person and once each: ${inOrder}`,
    );
    console.log(
      `pushes: ${perS.toFixed(1)}/s against an allowance of ${allowance}/s (5/s × ${RECIPIENTS}) = ${((100 * perS) / allowance).toFixed(0)}%; ` +
        `after the first second ${steady.toFixed(1)}/s = ${((100 * steady) / allowance).toFixed(0)}% ` +
        `(the dispatcher's windows are 1 s + ${config.delivery.windowMarginMs} ms margin: at most ${((100 * 1000) / (1000 + config.delivery.windowMarginMs)).toFixed(0)}%); ` +
        `fake's limit violations: ${h.fake.violations.total - violations}`,
    );
    if (!inOrder || h.fake.violations.total !== violations) throw new Error('bench: pushes broke a limit, an order or exactly-once');
    return `lark_pushes_per_s=${perS.toFixed(1)}`;
  } finally {
    await h.close();
  }
}

interface Button {
  text: string;
  value: { c: string; a: string; v: Record<string, unknown> };
}

/** the callback buttons in a Lark 2.0 card as the fake holds it */
function buttonsOf(content: unknown): Button[] {
  const out: Button[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) for (const e of x) walk(e);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.tag === 'button') {
        const value = (o.behaviors as { value?: Button['value'] }[] | undefined)?.[0]?.value;
        if (value) out.push({ text: (o.text as { content?: string })?.content ?? '', value });
      }
      for (const v of Object.values(o)) walk(v);
    }
  };
  walk(content);
  return out;
}

const showsCard = (content: unknown, cardId: string) => buttonsOf(content).some((b) => b.value.c === cardId);

interface Decision {
  ms: number;
  /** what made the clicked copy show the decided card first: the click's answer or a PATCH */
  via: 'callback' | 'api';
  copies: number;
  /** ms until the PATCH through the outbox also landed on the clicked copy */
  patchMs: number | null;
  /** ms until the click's answer (toast, card) was back in the fake */
  answerMs: number;
}

async function oneDecision(fake: FakeLark, rep: string): Promise<Decision> {
  const asking = fake.sendText({ fromOpenId: openIdOf(rep), text: QUOTE });
  const asked = fake.store.incoming.at(-1)?.messageId as string;
  await asking;
  const quoteMsg = await until(
    'quote card',
    () => fake.messages.find((m) => m.replyToMessageId === asked && buttonsOf(m.content).some((b) => b.value.a === 'quote.submit')),
    60_000,
    2,
    () => fake.messages.filter((m) => m.replyToMessageId === asked).map((m) => m.content),
  );
  const submit = buttonsOf(quoteMsg.content).find((b) => b.value.a === 'quote.submit') as Button;
  const quoteNo = /QT-\d{8}-\d+/.exec(JSON.stringify(quoteMsg.content))?.[0] as string;
  await fake.clickCard({ operatorOpenId: openIdOf(rep), messageId: quoteMsg.messageId, value: submit.value });
  const card = await until(`approval card for ${quoteNo}`, () =>
    fake.messages.find(
      (m) =>
        m.chatType === 'p2p' &&
        JSON.stringify(m.content).includes(quoteNo) &&
        buttonsOf(m.content).some((b) => b.value.a === 'approval.approve'),
    ),
  );
  const approve = buttonsOf(card.content).find((b) => b.value.a === 'approval.approve') as Button;
  const cardId = approve.value.c;
  const copies = () => fake.messages.filter((m) => showsCard(m.content, cardId) || m.patches.some((p) => showsCard(p.content, cardId)));
  const patchesBefore = card.patches.length;
  const t0 = performance.now();
  const clickAt = Date.now(); // the fake stamps patches with Date.now()
  let answerMs = 0;
  const clicked = fake
    .clickCard({ operatorOpenId: card.receiverOpenId as string, messageId: card.messageId, value: approve.value })
    .then((r) => {
      answerMs = performance.now() - t0;
      return r;
    });
  const decided = () => {
    const all = copies();
    return all.length > 0 && all.every((m) => !buttonsOf(fake.currentContent(m.messageId)).some((b) => b.value.c === cardId));
  };
  await until(`decided ${cardId}`, decided, 30_000, 1);
  const ms = performance.now() - t0;
  const via = card.patches.at(-1)?.via ?? 'api';
  const answer = await clicked;
  if (answer.code !== 200) throw new Error(`bench: click on ${cardId} acked ${answer.code}`);
  const sentByApi = () => card.patches.slice(patchesBefore).find((p) => p.via === 'api');
  const patched = await until('the PATCH of the clicked copy', sentByApi, 10_000, 1).catch(() => null);
  return { ms, via, copies: copies().length, patchMs: patched ? patched.at - clickAt : null, answerMs };
}

async function cardsSection(): Promise<string> {
  const fake = await startFakeLark();
  for (const login of DEMO_LOGINS) fake.addUser({ openId: openIdOf(login), name: login, email: `${login}@demo.q2c.cn` });
  const dataDir = mkdtempSync(join(tmpdir(), 'q2c-bench-lark-'));
  const app = await startNode({
    script: 'main.ts',
    env: {
      DATA_DIR: dataDir,
      PORT: '0',
      TEMPORAL_EMBEDDED_PORT: '0',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      CONFIG_FILE: '',
      LARK_APP_ID: fake.appId,
      LARK_APP_SECRET: fake.appSecret,
      LARK_DOMAIN: fake.domain,
      LARK_MODE: 'ws',
    },
    logFile: join(dataDir, 'app.log'),
  });
  try {
    await fake.ws.waitForConnection();
    // the demo company's own pushes of the first start go out to Lark first: not measured
    for (;;) {
      const health = (await (await fetch(`${app.base}/healthz`)).json()) as { delivery?: { pending?: number; unfanned?: number } };
      if ((health.delivery?.pending ?? 0) === 0 && (health.delivery?.unfanned ?? 0) === 0) break;
      await sleep(200);
    }
    console.log(`cards: app at ${app.base}, start-up backlog delivered (${fake.messages.length} messages)`);
    for (let i = 0; i < WARMUP_DECISIONS; i++) await oneDecision(fake, REP);
    const results: Decision[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: DRIVERS }, async () => {
        while (next < DECISIONS) {
          next++;
          results.push(await oneDecision(fake, REP));
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const q = (p: number) => quantile(ms, p).toFixed(0);
    const byCallback = results.filter((r) => r.via === 'callback').length;
    const answers = results.map((r) => r.answerMs).sort((a, b) => a - b);
    const patches = results
      .map((r) => r.patchMs)
      .filter((x): x is number => x !== null)
      .sort((a, b) => a - b);
    console.log(
      `cards: ${results.length} decisions by ${DRIVERS} drivers in ${wall.toFixed(1)} s; click → every copy decided p50 ${q(0.5)} ms, ` +
        `p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${ms.at(-1)?.toFixed(0)} ms (n=${ms.length}; copies per card ${[...new Set(results.map((r) => r.copies))].join('/')})`,
    );
    console.log(
      `cards: decided by the click's answer (card redrawn in place) ${byCallback}/${results.length}, by a PATCH ${results.length - byCallback}; ` +
        `the click's answer came back p50 ${quantile(answers, 0.5).toFixed(0)} ms, p99 ${quantile(answers, 0.99).toFixed(0)} ms; ` +
        `the outbox's PATCH of the clicked copy followed in ${patches.length}/${results.length}, p50 ${patches.length ? quantile(patches, 0.5).toFixed(0) : '-'} ms, ` +
        `p99 ${patches.length ? quantile(patches, 0.99).toFixed(0) : '-'} ms after the click; fake's limit violations: ${fake.violations.total} ${JSON.stringify(fake.violations.byKey)}`,
    );
    return `lark_card_update_p99_ms=${q(0.99)}`;
  } finally {
    await app.stop();
    await fake.close();
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const finals: string[] = [];
  if (ONLY.includes('pushes')) finals.push(await pushesSection());
  if (ONLY.includes('cards')) finals.push(await cardsSection());
  if (ONLY.includes('wecom')) finals.push(await wecomPushesSection());
  if (ONLY.includes('wechat')) finals.push(await wechatPushesSection());
  if (ONLY.includes('dingtalk')) finals.push(await dingtalkPushesSection());
  for (const line of finals) console.log(line);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
