import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../../bot/cards/card';
import { deliveryHealth } from '../../../bot/delivery/backlog';
import { type Dispatcher, startDispatcher } from '../../../bot/delivery/dispatcher';
import { inboxSince, pushTo, updateCard } from '../../../bot/outbox';
import { type AppConfig, loadConfig } from '../../../config';
import { seedDemoCompany } from '../../../models/seed/demo-company';
import { dbKinds, freshDb, type TestDb } from '../../helpers/db';
import { RecordingChannel, refused, serverError, tooFast } from './recording-channel';

const quiet = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };

function configWith(over: Partial<AppConfig['delivery']> = {}, lark: Partial<AppConfig['sendLimits']['lark']> = {}): AppConfig {
  const c = loadConfig({ env: {}, file: '' });
  return {
    ...c,
    delivery: { ...c.delivery, backoffBaseMs: 5, backoffMaxMs: 20, pollMs: 20, windowMarginMs: 0, ...over },
    sendLimits: { ...c.sendLimits, lark: { ...c.sendLimits.lark, ...lark } },
  };
}

const card = (id: string, status: string, buttons = true): Card => ({
  id,
  title: '报价审批 · 华东机电',
  status: { text: status, tone: 'info' },
  buttons: buttons ? [{ text: '同意', action: 'approval.approve', value: { stepId: 1 } }] : [],
});

describe.each(await dbKinds())('delivery dispatcher on %s', (kind) => {
  let t: TestDb;
  let dispatcher: Dispatcher | undefined;
  const user: Record<string, number> = {};
  let n = 0;
  const key = () => `t${++n}`;

  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
    for (const u of await t.db.models.User.findAll()) user[u.login] = u.id;
  }, 120_000);
  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
    await t.db.models.Delivery.destroy({ where: {} });
    await t.db.models.OutboxMessage.update({ fannedOut: true }, { where: {} });
  });
  afterAll(async () => t?.drop());

  const start = (channel: RecordingChannel, config = configWith()) => {
    dispatcher = startDispatcher({ db: t.db, config, channels: [channel], log: quiet });
    return dispatcher;
  };

  it('delivers each push once to every channel where the recipient is, and the console still reads it', async () => {
    const lark = new RecordingChannel('lark', (u) => (u.login === 'lina' ? null : `ou_${u.login}`));
    const d = start(lark);
    await pushTo(t.db, [user.zhangwei as number, user.lina as number], { kind: 'text', text: '你好' }, { dedupeKey: key() });
    await d.settled();
    expect(lark.sends.map((s) => [s.externalId, s.reply])).toEqual([['ou_zhangwei', { kind: 'text', text: '你好' }]]);
    const row = await t.db.models.Delivery.findOne({ where: { externalId: 'ou_zhangwei' } });
    expect(row?.state).toBe('sent');
    expect(row?.platformMessageId).toBe(lark.sends[0]?.platformMessageId);
    const inbox = await inboxSince(t.db, user.lina as number, 0);
    expect(inbox.messages.at(-1)?.reply).toEqual({ kind: 'text', text: '你好' });
  });

  it('sends a reply only to the channel and chat it answers, and never to the console', async () => {
    const lark = new RecordingChannel('lark');
    const d = start(lark);
    const before = (await inboxSince(t.db, user.chenjing as number, 0)).next;
    const replyTo = { messageId: 'om_q', chatId: 'oc_warehouse', chatType: 'group' as const };
    await pushTo(t.db, [user.chenjing as number], { kind: 'text', text: '已发货' }, { dedupeKey: key(), onlyChannel: 'lark', replyTo });
    await pushTo(t.db, [user.chenjing as number], { kind: 'text', text: '钉钉的回复' }, { dedupeKey: key(), onlyChannel: 'dingtalk' });
    await d.settled();
    expect(lark.sends.map((s) => [s.externalId, s.replyTo, s.reply])).toEqual([
      ['oc_warehouse', replyTo, { kind: 'text', text: '已发货' }],
    ]);
    expect((await inboxSince(t.db, user.chenjing as number, before)).messages).toEqual([]);
  });

  it('keeps every recipient and group chat within its per-second limit, and sends all', async () => {
    const lark = new RecordingChannel('lark');
    // the margin covers the moment between taking a place and the send being made
    const d = start(lark, configWith({ windowMarginMs: 20 }, { perRecipientPerSecond: 5 }));
    const to = ['zhangwei', 'lina', 'sunli'].map((l) => user[l] as number);
    for (let i = 0; i < 12; i++) await pushTo(t.db, to, { kind: 'text', text: `第 ${i} 条` }, { dedupeKey: key() });
    await d.settled();
    expect(lark.sends).toHaveLength(36);
    for (const login of ['zhangwei', 'lina', 'sunli']) {
      const times = lark.sendsTo(`ou_${login}`).map((s) => s.at);
      // one person's messages arrive in the order they were written
      expect(lark.sendsTo(`ou_${login}`).map((s) => (s.reply.kind === 'text' ? s.reply.text : ''))).toEqual(
        Array.from({ length: 12 }, (_, i) => `第 ${i} 条`),
      );
      for (let i = 5; i < times.length; i++) expect((times[i] as number) - (times[i - 5] as number)).toBeGreaterThanOrEqual(1000);
    }
  });

  it('retries network errors and 5xx with backoff, and a rate-limit answer does not count as a failure', async () => {
    const lark = new RecordingChannel('lark');
    lark.failNext(2, serverError);
    lark.failNext(3, tooFast);
    const d = start(lark, configWith({ maxAttempts: 3 }));
    await pushTo(t.db, [user.zhangwei as number], { kind: 'text', text: '重试' }, { dedupeKey: key() });
    await d.settled();
    await waitFor(
      async () => (await t.db.models.Delivery.findOne())?.state === 'sent',
      () => d.wake(),
    );
    const row = await t.db.models.Delivery.findOne();
    expect(row?.attempts).toBe(2);
    expect(lark.sends).toHaveLength(1);
    expect([...lark.shown.values()]).toHaveLength(1);
  });

  it('dead-letters after maxAttempts or a refusal, tells the admins once, and /healthz counts it', async () => {
    const lark = new RecordingChannel('lark');
    lark.failNext(100, serverError, (m) => m.externalId === 'ou_zhangwei');
    lark.failNext(100, refused, (m) => m.externalId === 'ou_lina');
    const d = start(lark, configWith({ maxAttempts: 3 }));
    await pushTo(t.db, [user.zhangwei as number, user.lina as number], { kind: 'text', text: '送不到' }, { dedupeKey: key() });
    await waitFor(
      async () => (await t.db.models.Delivery.count({ where: { state: 'dead' } })) === 2,
      () => d.wake(),
    );
    const dead = await t.db.models.Delivery.findAll({ where: { state: 'dead' }, order: [['externalId', 'ASC']] });
    expect(dead.map((r) => [r.externalId, r.attempts])).toEqual([
      ['ou_lina', 1],
      ['ou_zhangwei', 3],
    ]);
    expect(dead[0]?.lastError).toContain('230013');
    await d.settled();
    // told once per dead delivery (alerts that pile up come as one digest), never again on retries
    const text = lark
      .sendsTo('ou_admin')
      .map((s) => (s.reply.kind === 'text' ? s.reply.text : ''))
      .join('\n');
    expect(text.match(/收件人 李娜/g)).toHaveLength(1);
    expect(text.match(/收件人 张伟/g)).toHaveLength(1);
    expect(await t.db.models.OutboxMessage.count({ where: { recipientUserId: user.admin as number, digest: 'alert' } })).toBe(2);
    const health = await deliveryHealth(t.db, new Date());
    expect(health.dead).toBe(2);
    expect(health.channels.lark?.dead).toBe(2);
  });

  it('merges the reminders that pile up for one person into one digest, sealed so nothing joins it later', async () => {
    const lark = new RecordingChannel('lark');
    const before = lark.sends.length;
    for (let i = 1; i <= 4; i++) {
      await pushTo(
        t.db,
        [user.zhangwei as number],
        { kind: 'text', text: `应收 AR-${i} 已逾期` },
        { dedupeKey: key(), digest: 'reminder' },
      );
    }
    await pushTo(
      t.db,
      [user.zhangwei as number],
      { kind: 'card', card: card('approval:99', '待审批') },
      { dedupeKey: key(), digest: 'reminder' },
    );
    const d = start(lark);
    await d.settled();
    const sent = lark.sends.slice(before);
    expect(sent).toHaveLength(1);
    const text = sent[0]?.reply.kind === 'text' ? sent[0].reply.text : '';
    expect(text).toMatch(/提醒汇总.*（5）/);
    for (let i = 1; i <= 4; i++) expect(text).toContain(`AR-${i}`);
    expect(text).toContain('报价审批');
    expect(await t.db.models.Delivery.count({ where: { state: 'merged' } })).toBe(4);
  });

  it('updates a card in place in every message that shows it, sends only the newest of piled-up updates, and never a stale card', async () => {
    const lark = new RecordingChannel('lark');
    const d = start(lark);
    const id = `approval:${key()}`;
    await pushTo(t.db, [user.wangfang as number, user.liqiang as number], { kind: 'card', card: card(id, '待审批') }, { dedupeKey: key() });
    await d.settled();
    const first = lark.sendsTo('ou_wangfang')[0]?.platformMessageId;
    await d.stop();
    await updateCard(t.db, card(id, '审批中', true), { dedupeKey: key() });
    await updateCard(t.db, card(id, '已同意', false), { dedupeKey: key() });
    const d2 = start(lark);
    await d2.settled();
    // two people's updates go out side by side, in either order: compared by person
    const updates = lark.sends.filter((s) => s.kind === 'card_update').sort((a, b) => a.externalId.localeCompare(b.externalId));
    expect(updates.map((u) => [u.externalId, u.messageIds, u.reply.kind === 'card' ? u.reply.card.status?.text : ''])).toEqual([
      ['ou_liqiang', [lark.sendsTo('ou_liqiang')[0]?.platformMessageId], '已同意'],
      ['ou_wangfang', [first], '已同意'],
    ]);
    // a card still waiting when its update is written goes out as it is by then
    const late = `approval:${key()}`;
    await d2.stop();
    await pushTo(t.db, [user.liuyang as number], { kind: 'card', card: card(late, '待审批') }, { dedupeKey: key() });
    await updateCard(t.db, card(late, '已驳回', false), { dedupeKey: key() });
    const d3 = start(lark);
    await d3.settled();
    const toFinance = lark.sendsTo('ou_liuyang');
    expect(toFinance[0]?.kind).toBe('card');
    expect(toFinance[0]?.reply.kind === 'card' && toFinance[0].reply.card.status?.text).toBe('已驳回');
    expect(toFinance[0]?.reply.kind === 'card' && toFinance[0].reply.card.buttons).toEqual([]);
  });

  it('sends an update as a new card to someone who never had the card on this channel', async () => {
    const lark = new RecordingChannel('lark');
    const id = `notice:${key()}`;
    await pushTo(t.db, [user.chenjing as number], { kind: 'card', card: card(id, '待发货') }, { dedupeKey: key() });
    await t.db.models.OutboxMessage.update({ fannedOut: true }, { where: {} }); // went out before Lark was configured
    const d = start(lark);
    await updateCard(t.db, card(id, '已发货', false), { dedupeKey: key() });
    await d.settled();
    expect(lark.sendsTo('ou_chenjing').map((s) => [s.kind, s.reply.kind === 'card' ? s.reply.card.status?.text : ''])).toEqual([
      ['card', '已发货'],
    ]);
    const row = await t.db.models.Delivery.findOne({ where: { externalId: 'ou_chenjing' } });
    expect(row?.platformMessageId).toBe(lark.sendsTo('ou_chenjing')[0]?.platformMessageId);
  });

  it('does not send history older than maxAgeHours to a channel', async () => {
    const lark = new RecordingChannel('lark');
    await pushTo(t.db, [user.zhangwei as number], { kind: 'text', text: '很久以前' }, { dedupeKey: key() });
    await t.db.sequelize.query("UPDATE outbox_messages SET created_at = '2020-01-01 00:00:00.000 +00:00' WHERE fanned_out = :no", {
      replacements: { no: false },
    });
    const d = start(lark);
    await d.settled();
    expect(lark.sends).toEqual([]);
  });
});

async function waitFor(check: () => Promise<boolean>, poke: () => void, rounds = 400): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await check()) return;
    poke();
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached');
}
