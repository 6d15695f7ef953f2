/**
 * The DingTalk pushes figure of bench/channels.ts (BENCH_ONLY=dingtalk): the delivery
 * dispatcher and the DingTalk channel in this process (the test harness: a fresh demo company
 * on SQLite, the official @alicloud/dingtalk client talking to the loopback fake) take a burst
 * of BENCH_DINGTALK_PUSHES pushes to each of BENCH_DINGTALK_RECIPIENTS people, under
 * DingTalk's real limits (config/defaults.ts: 20 a minute and 500 a day per person, 20 sends a
 * second for the app; the fake drops or refuses what is over them). The figure is messages in
 * the fake per second, from the first push written until the last message arrived; the fake
 * must have dropped and refused none. With no more than 20 per person, the bound is the
 * app-wide 20 a second (less the limiter's window margin); with more, each person's 20 a
 * minute. Over 20 a second DingTalk queues rather than drops, so the fake only counts that
 * ("app over pace"): it happens when the machine delays requests by more than the margin.
 *
 * Env: BENCH_DINGTALK_RECIPIENTS (40), BENCH_DINGTALK_PUSHES (10), BENCH_DINGTALK_CONCURRENCY
 * (the app's delivery.concurrency). The last line: dingtalk_pushes_per_s=…
 */
import { staffIdOf, startDingTalkHarness } from '../tests/helpers/dingtalk-harness';
import { arrivedInOrder, benchRecipients, warmUp, writeBurst } from './push-burst';

const RECIPIENTS = Number(process.env.BENCH_DINGTALK_RECIPIENTS ?? 40);
const PUSHES = Number(process.env.BENCH_DINGTALK_PUSHES ?? 10);

/**
 * The soonest the last of `pushes` to each of `recipients` can arrive, in s, under the app's
 * `app` sends per `windowMs` and each person's `perMinute` per minute (+ margin): sends placed
 * one at a time, each at the earliest moment both windows allow, whoever's next can go first
 * (of equals, who has had fewest: the dispatcher's lanes take turns).
 */
export function soonestLastS(
  recipients: number,
  pushes: number,
  o: { app: number; windowMs: number; perMinute: number; marginMs: number },
): number {
  const appLog: number[] = [];
  const per = Array.from({ length: recipients }, () => [] as number[]);
  let last = 0;
  for (let sent = 0; sent < recipients * pushes; sent++) {
    let best = Number.POSITIVE_INFINITY;
    let who = -1;
    let had = Number.POSITIVE_INFINITY;
    for (const [u, log] of per.entries()) {
      if (log.length === pushes) continue;
      let t = last;
      if (appLog.length >= o.app) t = Math.max(t, (appLog[appLog.length - o.app] as number) + o.windowMs);
      if (log.length >= o.perMinute) t = Math.max(t, (log[log.length - o.perMinute] as number) + 60_000 + o.marginMs);
      if (t < best || (t === best && log.length < had)) [best, who, had] = [t, u, log.length];
    }
    appLog.push(best);
    per[who]?.push(best);
    last = best;
  }
  return last / 1000;
}

export async function dingtalkPushesSection(): Promise<string> {
  const concurrency = process.env.BENCH_DINGTALK_CONCURRENCY ? { concurrency: Number(process.env.BENCH_DINGTALK_CONCURRENCY) } : {};
  const h = await startDingTalkHarness({ delivery: { pollMs: 1_000, backoffBaseMs: 1_000, backoffMaxMs: 300_000, ...concurrency } });
  try {
    const limits = h.config.sendLimits.dingtalk;
    const to = await benchRecipients(h.t.db, RECIPIENTS, (i) => ({ mobile: `1392000${String(i).padStart(4, '0')}` }));
    for (const u of to)
      if (!h.fake.state.people.has(staffIdOf(u.login)))
        h.fake.addPerson({ userId: staffIdOf(u.login), name: u.name, mobile: u.mobile ?? undefined });
    // first contact (the directory lookup by mobile) is not what is measured: bind everyone first
    await warmUp(
      h.t.db,
      to.map((u) => u.id),
      h.delivery,
    );

    const total = RECIPIENTS * PUSHES;
    const before = h.fake.state.delivered.length;
    const t0 = Date.now();
    await writeBurst(
      h.t.db,
      to.map((u) => u.id),
      PUSHES,
    );
    const written = Date.now();
    await h.delivery.settled();
    const arrived = h.fake.state.delivered.slice(before);
    if (arrived.length !== total) throw new Error(`bench: ${arrived.length} of ${total} pushes in the fake`);
    const last = Math.max(...arrived.map((d) => d.at));
    const elapsedS = (last - t0) / 1000;
    const perS = total / elapsedS;
    const inOrder = arrivedInOrder(
      to.map((u) => h.fake.textsTo(staffIdOf(u.login))),
      PUSHES,
    );
    const drops = h.fake.state.drops;
    const dropped = drops.overBudget + drops.identical + drops.flowControlled;
    const app = limits.perAppPerSecond ?? Number.POSITIVE_INFINITY;
    const perMinute = limits.perRecipientPerMinute ?? Number.POSITIVE_INFINITY;
    const windowMs = 1000 + h.config.delivery.windowMarginMs;
    const soonestS = soonestLastS(RECIPIENTS, PUSHES, { app, windowMs, perMinute, marginMs: h.config.delivery.windowMarginMs });
    const bound = PUSHES <= perMinute ? `the app's ${app} a ${windowMs} ms window` : `each person's ${perMinute} a minute`;
    console.log(
      `dingtalk pushes: ${total} (${RECIPIENTS} recipients × ${PUSHES}) written in ${written - t0} ms, all in the fake after ${elapsedS.toFixed(2)} s; ` +
        `in order per person and once each: ${inOrder}`,
    );
    console.log(
      `dingtalk pushes: ${perS.toFixed(1)}/s, bound by ${bound}: the limits let the last arrive after ${soonestS.toFixed(1)} s at the soonest ` +
        `(${(total / soonestS).toFixed(1)}/s) = ${((100 * soonestS) / elapsedS).toFixed(0)}%; fake's drops ${JSON.stringify(drops)}; ` +
        `sends the fake saw over ${app} in a second (DingTalk queues those, it does not drop them): ${h.fake.state.limiter.appOverPace}`,
    );
    if (!inOrder || dropped) throw new Error('bench: DingTalk pushes broke a limit, an order or exactly-once');
    return `dingtalk_pushes_per_s=${perS.toFixed(1)}`;
  } finally {
    await h.close();
  }
}
