import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import { inboxSince, pushTo, updateCard } from '../../bot/outbox';
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
