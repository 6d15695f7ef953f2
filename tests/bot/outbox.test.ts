import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import { inboxSince, pushTo, updateCard } from '../../bot/outbox';
import { migrate, migrator } from '../../models/migrations';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

const card = (status: string): Card => ({
  id: 'approval:7',
  title: '报价审批 · 华东机电',
  status: { text: status, tone: 'info' },
  fields: [{ label: '金额', value: '¥211,200.00' }],
  buttons: [],
});

// The inbox read is a prepared statement on SQLite and a Sequelize query on PostgreSQL: both
// must give the same messages, payloads and times.
describe.each(await dbKinds())('outbox and inbox on %s', (kind) => {
  let t: TestDb;
  const ids: Record<string, number> = {};
  const uid = (login: string) => ids[login] as number;

  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
    for (const u of await t.db.models.User.findAll()) ids[u.login] = u.id;
  }, 120_000);
  afterAll(async () => t?.drop());

  it('reads each recipient’s pushes after the cursor, oldest first, with their payloads and times', async () => {
    const before = Date.now();
    await pushTo(t.db, [uid('zhangwei')], { kind: 'text', text: '报价 QT-1 已提交审批' });
    await pushTo(t.db, [uid('zhangwei'), uid('wangfang')], { kind: 'card', card: card('待审批') }, { dedupeKey: 'approval:7' });
    await pushTo(t.db, [uid('zhangwei'), uid('wangfang')], { kind: 'card', card: card('待审批') }, { dedupeKey: 'approval:7' });
    await updateCard(t.db, card('已同意'), { dedupeKey: 'approval:7:approved' });

    const all = await inboxSince(t.db, uid('zhangwei'), 0);
    expect(all.messages.map((m) => m.kind)).toEqual(['text', 'card', 'card_update']);
    expect(all.messages[0]?.reply).toEqual({ kind: 'text', text: '报价 QT-1 已提交审批' });
    expect(all.messages[1]?.reply).toEqual({ kind: 'card', card: card('待审批') });
    expect(all.messages[2]?.reply).toEqual({ kind: 'card', card: card('已同意') });
    const cursors = all.messages.map((m) => m.cursor);
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    expect(all.next).toBe(cursors.at(-1));
    for (const m of all.messages) {
      expect(m.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(m.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(m.at)).toBeLessThanOrEqual(Date.now() + 1000);
    }

    const page = await inboxSince(t.db, uid('zhangwei'), cursors[0] as number, 1);
    expect(page.messages.map((m) => m.cursor)).toEqual([cursors[1]]);
    expect(page.next).toBe(cursors[1]);
    const none = await inboxSince(t.db, uid('zhangwei'), all.next);
    expect(none).toEqual({ messages: [], next: all.next });

    const manager = await inboxSince(t.db, uid('wangfang'), 0);
    expect(manager.messages.map((m) => m.kind)).toEqual(['card', 'card_update']);
    expect((await inboxSince(t.db, uid('lina'), 0)).messages).toEqual([]);
  });
});

// Only PostgreSQL runs two write transactions at once (SQLite's one writer commits in id order).
describe.runIf((await dbKinds()).includes('postgres'))('inbox order under concurrent transactions (postgres)', () => {
  let t: TestDb;
  let userId: number;
  beforeAll(async () => {
    t = await freshDb('postgres');
    await seedDemoCompany(t.db);
    userId = (await t.db.models.User.findOne({ where: { login: 'liuyang' } }))!.id;
  }, 120_000);
  afterAll(async () => t?.drop());

  it('a push whose transaction commits after a later one is still read, after it', async () => {
    const text = (x: string) => ({ kind: 'text' as const, text: x });
    const { next: start } = await inboxSince(t.db, userId, 0, 200);
    let cursor = start;
    const seen: string[] = [];
    const read = async () => {
      for (;;) {
        const page = await inboxSince(t.db, userId, cursor, 200);
        seen.push(...page.messages.map((m) => (m.reply.kind === 'text' ? m.reply.text : '')));
        cursor = page.next;
        if (page.messages.length < 200) return;
      }
    };
    const early = await t.db.sequelize.transaction();
    const late = await t.db.sequelize.transaction();
    try {
      await pushTo(t.db, [userId], text('early: lower id, commits last'), { transaction: early });
      await pushTo(t.db, [userId], text('late: higher id, commits first'), { transaction: late });
      await late.commit();
      await read();
      expect(seen).toEqual(['late: higher id, commits first']);
      await early.commit();
    } finally {
      for (const tx of [early, late]) if (!(tx as unknown as { finished?: string }).finished) await tx.rollback();
    }
    await read();
    expect(seen).toEqual(['late: higher id, commits first', 'early: lower id, commits last']);
    // the cursor only grows, and reading again from it gives nothing new
    expect((await inboxSince(t.db, userId, cursor, 200)).messages).toEqual([]);
  });

  it('a push from before the seq column keeps its id as cursor, so a saved cursor stays right', async () => {
    await migrator(t.db).down({ to: '0005c-outbox-seq' });
    await t.db.sequelize.query(
      `INSERT INTO outbox_messages (recipient_user_id, kind, payload, created_at, updated_at) VALUES (:u, 'text', :p, NOW(), NOW())`,
      { replacements: { u: userId, p: JSON.stringify({ kind: 'text', text: 'from the old release' }) } },
    );
    const [old] = await t.db.sequelize.query<{ id: number }>('SELECT MAX(id) AS id FROM outbox_messages', { type: QueryTypes.SELECT });
    await migrate(t.db);
    const page = await inboxSince(t.db, userId, old!.id - 1, 10);
    expect(page.messages.map((m) => [m.cursor, m.reply])).toEqual([[old!.id, { kind: 'text', text: 'from the old release' }]]);
    await pushTo(t.db, [userId], { kind: 'text', text: 'after the upgrade' });
    expect((await inboxSince(t.db, userId, old!.id, 10)).messages.map((m) => m.reply)).toEqual([
      { kind: 'text', text: 'after the upgrade' },
    ]);
  });
});
