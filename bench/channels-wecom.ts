/**
 * The WeCom channel's pushes figure (bench/channels.ts, BENCH_ONLY=wecom): the delivery
 * dispatcher and the WeCom channel in this process (tests/helpers/wecom-harness.ts: a fresh
 * demo company on SQLite, the channel's HTTP client talking to the loopback fake of WeCom)
 * take a burst of BENCH_WECOM_PUSHES pushes to each of BENCH_WECOM_RECIPIENTS members. The
 * figure is messages in the fake per second, from the first push written until the last
 * message arrived; the fake must have dropped none (it holds WeCom's limits: 30 a minute and
 * 1000 an hour per member, the excess dropped silently).
 *
 * What bounds it, and why the numbers are these. A member takes 30 messages a minute, so one
 * member's burst goes at 0.5/s once past its first 30, and a rate worth measuring needs many
 * members: N members can take 30·N in the first minute and N/2 a second after. The app also
 * keeps its whole WeCom app under `sendLimits.wecom.perAppPerSecond` (20/s as shipped: a guard
 * of ours, WeCom documents no per-second figure for message/send, only a daily budget of
 * 200 × the licensed accounts), which binds from 40 members on. The default, 60 members × 10
 * pushes (11 each with the warm-up, inside the per-member minute), therefore measures the
 * dispatcher against that app-wide cap; BENCH_WECOM_APP_CAP=0 lifts the cap, and the figure
 * is then what the dispatcher, the channel (its records written before every send) and
 * SQLite manage on this machine, bounded by nothing of WeCom's while every member stays
 * under 30 in the minute. Past 30 per member (BENCH_WECOM_PUSHES ≥ 30, with the warm-up)
 * the rest wait for the next minute, as WeCom requires, and the figure falls towards N/2.
 *
 * Env: BENCH_WECOM_RECIPIENTS (60), BENCH_WECOM_PUSHES (10), BENCH_WECOM_APP_CAP (the shipped
 * 20; 0 = none), BENCH_WECOM_CONCURRENCY (the app's delivery.concurrency).
 */
import { PER_MEMBER_PER_MIN } from '../tests/fakes/wecom';
import { startWeComHarness, useridOf } from '../tests/helpers/wecom-harness';
import { arrivedInOrder, benchRecipients, warmUp, writeBurst } from './push-burst';

const RECIPIENTS = Number(process.env.BENCH_WECOM_RECIPIENTS ?? 60);
const PUSHES = Number(process.env.BENCH_WECOM_PUSHES ?? 10);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function wecomPushesSection(): Promise<string> {
  const concurrency = process.env.BENCH_WECOM_CONCURRENCY ? { concurrency: Number(process.env.BENCH_WECOM_CONCURRENCY) } : {};
  const cap = process.env.BENCH_WECOM_APP_CAP;
  const h = await startWeComHarness({
    delivery: { pollMs: 1_000, backoffBaseMs: 1_000, backoffMaxMs: 300_000, ...concurrency },
    ...(cap !== undefined ? { limits: { perAppPerSecond: Number(cap) || null } } : {}),
  });
  try {
    const limits = h.config.sendLimits.wecom;
    const to = await benchRecipients(h.t.db, RECIPIENTS, (i) => ({ email: `bench${i}@demo.q2c.cn` }));
    for (const u of to)
      if (!h.fake.api.users.has(useridOf(u.login)))
        h.fake.addUser({ userid: useridOf(u.login), name: u.name, ...(u.email ? { biz_mail: u.email } : {}) });
    // first contact (the directory lookup by email) is not what is measured: bind everyone first
    await warmUp(
      h.t.db,
      to.map((u) => u.id),
      h.delivery,
    );

    const total = RECIPIENTS * PUSHES;
    const before = h.fake.api.messages.length;
    const t0 = Date.now();
    await writeBurst(
      h.t.db,
      to.map((u) => u.id),
      PUSHES,
    );
    const written = Date.now();
    const deadline = Date.now() + 900_000;
    while (h.fake.api.messages.length - before < total) {
      if (Date.now() > deadline) throw new Error(`bench: ${h.fake.api.messages.length - before} of ${total} in the fake after 15 min`);
      await sleep(5);
    }
    const arrived = h.fake.api.messages.slice(before);
    const last = Math.max(...arrived.map((m) => m.at));
    const elapsedS = (last - t0) / 1000;
    const perS = total / elapsedS;
    const inOrder = arrivedInOrder(
      to.map((u) => h.fake.api.messagesTo(useridOf(u.login)).map((m) => String(m.content.content ?? ''))),
      PUSHES,
    );
    const perMember = Math.min(PUSHES + 1, PER_MEMBER_PER_MIN);
    const appCap = limits.perAppPerSecond;
    const capS = appCap ? appCap / (1 + h.config.delivery.windowMarginMs / 1000) : null;
    console.log(
      `wecom pushes: ${total} (${RECIPIENTS} members × ${PUSHES}) written in ${written - t0} ms, all in the fake after ${elapsedS.toFixed(2)} s; ` +
        `in order per member and once each: ${inOrder}`,
    );
    console.log(
      `wecom pushes: ${perS.toFixed(1)}/s; bounds: per member 30/min (${perMember} each in the first minute${PUSHES + 1 > PER_MEMBER_PER_MIN ? ', the rest wait for the next' : ''}), ` +
        `app-wide ${appCap ? `${appCap}/s in windows of 1 s + ${h.config.delivery.windowMarginMs} ms = at most ${capS?.toFixed(1)}/s (${((100 * perS) / (capS as number)).toFixed(0)}% of it)` : 'none'}; ` +
        `fake dropped ${h.fake.api.dropped}, duplicates ${h.fake.api.duplicates}`,
    );
    if (!inOrder || h.fake.api.dropped !== 0) throw new Error('bench: wecom pushes broke a limit, an order or exactly-once');
    return `wecom_pushes_per_s=${perS.toFixed(1)}`;
  } finally {
    await h.close();
  }
}
