/**
 * bench:channels, the WeChat section: the delivery dispatcher and the WeChat channel in this
 * process (tests/helpers/wechat-harness: a fresh demo company on SQLite, wechaty with the mock
 * puppet, every send claimed in the send ledger) take a burst of BENCH_WECHAT_PUSHES pushes to
 * each of BENCH_WECHAT_RECIPIENTS people.
 *
 *   1. with the send limits lifted: what the channel itself gets through (printed, not the figure);
 *   2. the figure, wechat_pushes_per_s: with the default limits a personal account is given
 *      (config/defaults.ts: 1/s, 20/min, 600/day for the account, 6/min per person), messages in
 *      the chats per second from the first push written until the last message arrived. It is
 *      the limits that set it: 20 go in the first minute at 1/s, the rest once the minute rolls.
 *
 * Env: BENCH_WECHAT_RECIPIENTS (6), BENCH_WECHAT_PUSHES (5), BENCH_WECHAT_RAW_PUSHES (50).
 */
import type { AppConfig } from '../config';
import { startWeChatHarness, WECHAT_PEOPLE, wxidOf } from '../tests/helpers/wechat-harness';
import { arrivedInOrder, writeBurst } from './push-burst';

const RECIPIENTS = Number(process.env.BENCH_WECHAT_RECIPIENTS ?? 6);
const PUSHES = Number(process.env.BENCH_WECHAT_PUSHES ?? 5);
const RAW_PUSHES = Number(process.env.BENCH_WECHAT_RAW_PUSHES ?? 50);

const LIFTED: AppConfig['sendLimits']['wechaty'] = {
  perRecipientPerSecond: null,
  perRecipientPerMinute: null,
  perRecipientPerDay: null,
  perChatPerSecond: null,
  perAppPerSecond: null,
  perAppPerMinute: null,
  perAppPerDay: null,
  updatesPerAppPerSecond: null,
  updatesPerMessagePerSecond: null,
  updatesAsMessages: true,
};

/** one burst: pushes × recipients texts; messages per second, and whether each arrived once, in order */
async function burst(limits: AppConfig['sendLimits']['wechaty'] | undefined, pushes: number, tag: string) {
  const h = await startWeChatHarness(limits ? { sendLimits: limits } : {});
  try {
    const logins = WECHAT_PEOPLE.slice(0, RECIPIENTS);
    if (logins.length < RECIPIENTS) throw new Error(`bench: at most ${WECHAT_PEOPLE.length} recipients`);
    const ids = await Promise.all(logins.map((l) => h.userId(l)));
    // first contact (the lookup by remark) is not what is measured, nor may a warm-up take places
    // in the minute's window: everyone is bound beforehand
    await h.t.db.models.ChannelIdentity.bulkCreate(
      logins.map((l, i) => ({
        channel: 'wechaty' as const,
        externalId: wxidOf(l),
        userId: ids[i] as number,
        boundBy: 'employee_no',
        displayName: null,
      })),
    );
    const before = h.fake.sent.length;
    const t0 = Date.now();
    await writeBurst(h.t.db, ids, pushes, tag);
    await h.delivery.settled();
    const arrived = h.fake.sent.slice(before);
    const elapsedS = (Math.max(...arrived.map((m) => m.at)) - t0) / 1000;
    const inOrder = arrivedInOrder(
      logins.map((l) => h.fake.sentTo(wxidOf(l)).map((m) => m.text)),
      pushes,
      tag,
    );
    return { total: arrived.length, elapsedS, perS: arrived.length / elapsedS, inOrder };
  } finally {
    await h.close();
  }
}

export async function wechatPushesSection(): Promise<string> {
  const raw = await burst(LIFTED, RAW_PUSHES, 'raw');
  console.log(
    `wechat (send limits lifted): ${raw.total} messages (${RECIPIENTS} × ${RAW_PUSHES}) in ${raw.elapsedS.toFixed(2)} s = ${raw.perS.toFixed(1)}/s; ` +
      `in order per person and once each: ${raw.inOrder}`,
  );
  const limited = await burst(undefined, PUSHES, 'bench');
  console.log(
    `wechat (default limits: 1/s, 20/min, 6/min per person): ${limited.total} messages (${RECIPIENTS} × ${PUSHES}) in ${limited.elapsedS.toFixed(1)} s; ` +
      `in order per person and once each: ${limited.inOrder}`,
  );
  return `wechat_pushes_per_s=${limited.perS.toFixed(2)}`;
}
