import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatcher, startDispatcher } from '../../bot/delivery/dispatcher';
import { pushTo } from '../../bot/outbox';
import type { AppConfig } from '../../config';
import type { FakeMessage } from '../fakes/lark';
import { type LarkHarness, openIdOf, startLarkHarness } from '../helpers/lark-harness';

/**
 * The delivery outbox through the Lark channel and the official SDK, against the loopback fake
 * with Lark's own limits (5 messages/s per user): bursts, a storm of 5xx and rate-limit answers.
 * Every check reads what reached the fake's chats and the deliveries table, never the clock.
 */

/** the demo company's 15 people and 5 more, so a burst has 20 recipients */
const EXTRA = ['xu01', 'xu02', 'xu03', 'xu04', 'xu05'];
const quiet = { info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) };
const textOf = (m: FakeMessage) => (m.content as { text?: string }).text ?? '';

describe('delivery through the Lark channel against the fake', () => {
  let h: LarkHarness;
  let delivery: Dispatcher;
  let logins: string[] = [];
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    // a 5xx storm of p = 0.3 fails 8 tries in a row once in ~15,000 deliveries: with the default
    // maxAttempts a run of a few hundred would dead-letter one now and then; this test is about
    // "retried until it arrives", so give it room
    h = await startLarkHarness({ delivery: { maxAttempts: 30 } });
    delivery = h.delivery;
    for (const [i, login] of EXTRA.entries()) {
      await h.t.db.models.User.create({
        login,
        name: `徐${i + 1}`,
        roleCode: 'rep',
        teamId: null,
        mobile: null,
        email: `${login}@demo.q2c.cn`,
        employeeNo: null,
      });
    }
    const users = await h.t.db.models.User.findAll({ where: { active: true }, order: [['id', 'ASC']] });
    for (const u of users) {
      ids[u.login] = u.id;
      if (!h.fake.store.users.has(openIdOf(u.login)))
        h.fake.addUser({ openId: openIdOf(u.login), name: u.name, email: u.email ?? undefined });
    }
    logins = users.map((u) => u.login);
    expect(logins).toHaveLength(20);
  }, 120_000);
  afterAll(async () => {
    await delivery?.stop();
    await h?.close();
  });

  /** the texts with this tag that reached each person's chat with the bot, in the chat's order */
  const received = (tag: string) =>
    Object.fromEntries(
      logins.map((l) => [
        l,
        h.fake
          .p2pMessagesOf(openIdOf(l))
          .map(textOf)
          .filter((t) => t.startsWith(tag)),
      ]),
    );
  const expected = (tag: string, to: readonly string[], n: number) =>
    Object.fromEntries(logins.map((l) => [l, to.includes(l) ? Array.from({ length: n }, (_, i) => `${tag} ${i + 1}/${n}`) : []]));

  /** n pushes to each of `to`, written `perTx` rounds to a transaction */
  async function burst(tag: string, to: readonly string[], n: number, perTx: number): Promise<void> {
    for (let start = 0; start < n; start += perTx) {
      await h.t.db.writeTx(async (transaction) => {
        for (let i = start; i < Math.min(n, start + perTx); i++) {
          await pushTo(
            h.t.db,
            to.map((l) => ids[l] as number),
            { kind: 'text', text: `${tag} ${i + 1}/${n}` },
            { dedupeKey: `${tag}:${i}`, transaction },
          );
        }
      });
    }
  }

  /** every delivery of these pushes sent (a retry waiting out its backoff is not "settled" yet) */
  async function allSent(tag: string, count: number): Promise<void> {
    const mine = async () => {
      const rows = await h.t.db.models.OutboxMessage.findAll({ where: { dedupeKey: { [Op.like]: `${tag}:%` } }, attributes: ['id'] });
      return h.t.db.models.Delivery.findAll({ where: { outboxMessageId: { [Op.in]: rows.map((r) => r.id) } } });
    };
    for (let round = 0; round < 2400; round++) {
      const rows = await mine();
      if (rows.length === count && rows.every((r) => r.state === 'sent')) return;
      if (rows.some((r) => r.state === 'dead'))
        throw new Error(`${tag}: a delivery was dead-lettered: ${rows.find((r) => r.state === 'dead')?.lastError}`);
      delivery.wake();
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${tag}: not every delivery was sent`);
  }

  /** a dispatcher of its own (the harness's is stopped), e.g. configured differently */
  async function restart(config: AppConfig): Promise<void> {
    await delivery.stop();
    delivery = startDispatcher({ db: h.t.db, config, channels: [h.lark.channel], log: quiet });
  }

  const deliveriesOf = async (tag: string) => {
    const rows = await h.t.db.models.OutboxMessage.findAll({ where: { dedupeKey: { [Op.like]: `${tag}:%` } }, attributes: ['id'] });
    return h.t.db.models.Delivery.findAll({ where: { outboxMessageId: { [Op.in]: rows.map((r) => r.id) } }, order: [['id', 'ASC']] });
  };

  it('delivers a burst of 1,000 pushes to 20 people each exactly once, in order, within Lark’s 5/s per user', async () => {
    const before = h.fake.violations.total;
    await burst('burst', logins, 50, 10);
    await delivery.settled();
    await allSent('burst', 1000);
    expect(received('burst')).toEqual(expected('burst', logins, 50));
    expect(h.fake.violations.total - before).toBe(0);
    // the dispatcher never had to be told: no send was refused and none retried
    const rows = await deliveriesOf('burst');
    expect(rows.filter((r) => r.attempts > 0 || r.lastError !== null)).toEqual([]);
    expect(new Set(rows.map((r) => r.platformMessageId)).size).toBe(1000);
  }, 120_000);

  it('gets everything through a storm of 5xx exactly once, and a resend after a lost answer shows nothing twice', async () => {
    const from = h.fake.requests.length;
    h.fake.failNext(25, 500);
    h.fake.failRatio(0.3, 503);
    await burst('storm', logins, 10, 5);
    try {
      await allSent('storm', 200);
    } finally {
      h.fake.failRatio(0);
    }
    const got = received('storm');
    // exactly once each, compared as sets: a failed send waits out its backoff outside its lane
    // while the person's later messages go ahead, so the order holds only when nothing fails
    for (const l of logins) expect([...got[l]!].sort()).toEqual([...expected('storm', logins, 10)[l]!].sort());
    const rows = await deliveriesOf('storm');
    expect(rows.every((r) => r.state === 'sent' && r.lastError === null)).toBe(true);
    // each failed try is one recorded attempt: the 5xx answers to sends and to token fetches
    const failed = h.fake.requests
      .slice(from)
      .filter((r) => r.status >= 500 && (r.path === '/open-apis/im/v1/messages' || r.path.includes('tenant_access_token'))).length;
    expect(failed).toBeGreaterThan(25);
    expect(rows.reduce((s, r) => s + r.attempts, 0)).toBe(failed);

    // Lark took these sends but the app never recorded them (a crash, an answer lost on the way):
    // they are tried again with the same uuid, and Lark hands back the message it already has
    const resent = rows.filter((_, i) => i % 7 === 0);
    const had = new Map(resent.map((r) => [r.id, r.platformMessageId]));
    const messagesBefore = h.fake.messages.length;
    await h.t.db.models.Delivery.update(
      { state: 'pending', platformMessageId: null, sentAt: null, nextAttemptAt: new Date() },
      { where: { id: { [Op.in]: resent.map((r) => r.id) } } },
    );
    await allSent('storm', 200);
    expect(h.fake.messages.length).toBe(messagesBefore);
    const again = await h.t.db.models.Delivery.findAll({ where: { id: { [Op.in]: resent.map((r) => r.id) } } });
    expect(again.map((r) => [r.id, r.platformMessageId])).toEqual([...had.entries()]);
    expect(received('storm')).toEqual(got);
  }, 120_000);

  it('waits out the rate-limit answers of a platform stricter than its configuration, and drops nothing', async () => {
    // configured for 20/s per user against Lark's 5/s: the fake refuses (400, code 230020) and
    // the dispatcher must slow that person's lane down instead of failing or skipping a message
    await restart({
      ...h.config,
      sendLimits: { ...h.config.sendLimits, lark: { ...h.config.sendLimits.lark, perRecipientPerSecond: 20 } },
    });
    const to = logins.slice(0, 3);
    const before = h.fake.violations.total;
    await burst('strict', to, 20, 20);
    await delivery.settled();
    await allSent('strict', 60);
    expect(received('strict')).toEqual(expected('strict', to, 20));
    expect(h.fake.violations.total - before).toBeGreaterThan(0);
    // refused per person (how many of the three got refused depends on how fast each lane ran)
    const refusedFor = Object.keys(h.fake.violations.byKey);
    expect(refusedFor.length).toBeGreaterThan(0);
    expect(refusedFor.filter((k) => !to.map((l) => `user:${openIdOf(l)}`).includes(k))).toEqual([]);
    // a rate-limit answer is not a failure: no attempt counted, no error left behind
    expect((await deliveriesOf('strict')).filter((r) => r.attempts > 0 || r.lastError !== null)).toEqual([]);
  }, 120_000);

  it('waits as long as the gateway’s 429 and its x-ogw-ratelimit-reset say, and sends everything in order', async () => {
    await restart(h.config); // Lark's real limits again: only the injected answers refuse
    const from = h.fake.requests.length;
    h.fake.failNext(3, 429, {
      body: { code: 99991400, msg: 'request trigger frequency limit' },
      headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' },
    });
    const to = [logins[5] as string];
    await burst('gateway', to, 6, 6);
    await delivery.settled();
    await allSent('gateway', 6);
    expect(received('gateway')).toEqual(expected('gateway', to, 6));
    const log = h.fake.requests.slice(from).filter((r) => r.path === '/open-apis/im/v1/messages');
    expect(log.map((r) => r.status)).toEqual([429, 429, 429, 200, 200, 200, 200, 200, 200]);
    expect((await deliveriesOf('gateway')).filter((r) => r.attempts > 0 || r.lastError !== null)).toEqual([]);
  }, 120_000);

  it('counts its replies in a person’s chat and its pushes to them against the same 5/s', async () => {
    await restart(h.config);
    const who = openIdOf('zhangwei');
    const before = h.fake.violations.byKey[`user:${who}`] ?? 0;
    const asked: string[] = [];
    const asking: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      asking.push(h.fake.sendText({ fromOpenId: who, text: 'A100还有多少' }));
      asked.push(h.fake.store.incoming.at(-1)?.messageId as string);
    }
    await burst('mixed', ['zhangwei'], 8, 8);
    await Promise.all(asking);
    await allSent('mixed', 8);
    for (let round = 0; round < 2400 && !asked.every((m) => h.fake.messages.some((x) => x.replyToMessageId === m)); round++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(asked.filter((m) => !h.fake.messages.some((x) => x.replyToMessageId === m))).toEqual([]);
    expect(received('mixed').zhangwei).toEqual(expected('mixed', logins, 8).zhangwei);
    // Lark counts messages into one person's chat, replies and pushes alike
    expect((h.fake.violations.byKey[`user:${who}`] ?? 0) - before).toBe(0);
  }, 120_000);
});
