import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import type { WeComApi } from '../../bot/channels/wecom/api';
import { wecomChannel } from '../../bot/channels/wecom/channel';
import { CODE_VALID_MS, ResponseCodes } from '../../bot/channels/wecom/codes';
import { MAX_CHECK_INTERVAL_S, SendRecords } from '../../bot/channels/wecom/sends';
import { DeliveryError } from '../../bot/delivery/delivery-error';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

const kinds = await dbKinds();

const card: Card = {
  id: 'approval:12',
  title: '报价审批 #12',
  status: { text: '待审批', tone: 'warning' },
  buttons: [{ text: '同意', action: 'approval.approve', value: { approvalId: 12 }, style: 'primary' }],
};
const base = { deliveryId: 1, externalId: 'U1', replyTo: null, reply: { kind: 'card' as const, card } };
const refused = (code: number) => new DeliveryError(`wecom: ${code}`, { retryable: false, code });

/** a WeCom API that records what it is asked and answers as told */
function recordingApi() {
  const calls: string[] = [];
  const o = { refuseUpdate: null as number | null, refuseCard: null as number | null, lose: false };
  const api = {
    sendText: async (_u: string, content: string, opts: { duplicateCheckS?: number } = {}) => {
      calls.push(`text ${content} ${opts.duplicateCheckS}`);
      return { msgid: 'm', responseCode: null };
    },
    sendCard: async (_u: string, c: Record<string, unknown>) => {
      calls.push(`card ${c.task_id}`);
      if (o.refuseCard) throw refused(o.refuseCard);
      if (o.lose) throw new DeliveryError('socket hang up', { retryable: true });
      return { msgid: 'm', responseCode: `code-${c.task_id}` };
    },
    updateCard: async (_u: string, code: string) => {
      calls.push(`update ${code}`);
      if (o.refuseUpdate) throw refused(o.refuseUpdate);
      if (o.lose) throw new DeliveryError('socket hang up', { retryable: true });
    },
  } as unknown as WeComApi;
  return { api, calls, o };
}

describe.each(kinds)('what the WeCom channel keeps in the database (%s)', (kind) => {
  let t: TestDb;
  let now = Date.parse('2026-11-23T02:00:00Z');
  const clock = () => now;
  beforeAll(async () => {
    t = await freshDb(kind);
  });
  afterAll(async () => t?.drop());

  it('spends the freshest valid code once; the same update tried again gets the same code; after 72 h none is left', async () => {
    const codes = new ResponseCodes(t.db, clock);
    await codes.give('t1', 'U1', 'a');
    now += 10;
    await codes.give('t1', 'U1', 'b');
    await codes.give('t1', 'U1', 'b'); // a click pushed again
    expect(await codes.take('t1', 'd-2')).toEqual({ code: 'b', again: false });
    expect(await codes.take('t1', 'd-2')).toEqual({ code: 'b', again: true });
    expect(await codes.take('t1', 'd-3')).toEqual({ code: 'a', again: false });
    expect(await codes.take('t1', 'd-4')).toBeNull();
    await codes.give('t1', 'U1', 'c');
    now += CODE_VALID_MS + 1;
    expect(await codes.take('t1', 'd-5')).toBeNull();
    expect(await codes.prune()).toBe(3);
  });

  it('updates in place with a code, and sends the card anew when there is none or WeCom refuses it', async () => {
    const { api, calls, o } = recordingApi();
    const ch = wecomChannel(
      api,
      { addressOf: async () => 'U1' },
      { codes: new ResponseCodes(t.db, clock), sends: new SendRecords(t.db, clock) },
    );
    const first = await ch.send({ ...base, uuid: 'u-1', kind: 'card', messageIds: [] });
    const task = first.platformMessageId as string;
    expect(task).toMatch(/^u-1-[0-9a-f]{8}$/);
    expect(await ch.send({ ...base, uuid: 'u-2', kind: 'card_update', messageIds: [task] })).toEqual({ platformMessageId: null });
    // the send's code is spent: the next update comes as a new card
    const third = await ch.send({ ...base, uuid: 'u-3', kind: 'card_update', messageIds: [task] });
    expect(third.platformMessageId).toMatch(/^u-3-/);
    o.refuseUpdate = 40078;
    await new ResponseCodes(t.db, clock).give(task, 'U1', 'late');
    const fourth = await ch.send({ ...base, uuid: 'u-4', kind: 'card_update', messageIds: [task] });
    expect(fourth.platformMessageId).toMatch(/^u-4-/);
    expect(calls).toEqual([
      `card ${task}`,
      `update code-${task}`,
      `card ${third.platformMessageId}`,
      'update late',
      `card ${fourth.platformMessageId}`,
    ]);
  });

  it('a resend whose card WeCom already has (task_id used) counts as sent; a first send refused so does not', async () => {
    const { api, calls, o } = recordingApi();
    const sends = new SendRecords(t.db, clock);
    const ch = wecomChannel(api, { addressOf: async () => 'U1' }, { codes: new ResponseCodes(t.db, clock), sends });
    o.lose = true; // WeCom took it, the answer never came
    await expect(ch.send({ ...base, uuid: 'r-1', kind: 'card', messageIds: [] })).rejects.toThrow(/hang up/);
    o.lose = false;
    o.refuseCard = 40058;
    const again = await ch.send({ ...base, uuid: 'r-1', kind: 'card', messageIds: [] });
    expect(calls[0]).toBe(`card ${again.platformMessageId}`);
    expect(calls[1]).toBe(calls[0]);
    // the same refusal on a delivery's first try is a real one: it goes to the dead letters
    await expect(ch.send({ ...base, uuid: 'r-2', kind: 'card', messageIds: [] })).rejects.toMatchObject({
      retryable: false,
      code: '40058',
    });
  });

  it('an update tried again after its answer was lost counts the refused code as its own', async () => {
    const { api, calls, o } = recordingApi();
    const codes = new ResponseCodes(t.db, clock);
    const ch = wecomChannel(api, { addressOf: async () => 'U1' }, { codes, sends: new SendRecords(t.db, clock) });
    await codes.give('task-x', 'U1', 'click-code');
    o.lose = true;
    await expect(ch.send({ ...base, uuid: 'x-1', kind: 'card_update', messageIds: ['task-x'] })).rejects.toThrow(/hang up/);
    o.lose = false;
    o.refuseUpdate = 40078; // WeCom: that code is used — by the try before
    expect(await ch.send({ ...base, uuid: 'x-1', kind: 'card_update', messageIds: ['task-x'] })).toEqual({ platformMessageId: null });
    expect(calls).toEqual(['update click-code', 'update click-code']);
  });

  it('a text keeps its duplicate check on every try; the same words in another message get another', async () => {
    const sends = new SendRecords(t.db, clock);
    const a = await sends.text('t-1#0', 'U7', '已收到，正在处理');
    expect(a).toEqual({ intervalS: MAX_CHECK_INTERVAL_S, again: false });
    expect(await sends.text('t-1#0', 'U7', '已收到，正在处理')).toEqual({ intervalS: MAX_CHECK_INTERVAL_S, again: true });
    expect((await sends.text('t-2#0', 'U7', '已收到，正在处理')).intervalS).toBe(MAX_CHECK_INTERVAL_S - 1);
    expect((await sends.text('t-3#0', 'U7', '已收到，正在处理')).intervalS).toBe(MAX_CHECK_INTERVAL_S - 2);
    expect((await sends.text('t-4#0', 'U8', '已收到，正在处理')).intervalS).toBe(MAX_CHECK_INTERVAL_S);
    expect((await sends.text('t-5#0', 'U7', '别的话')).intervalS).toBe(MAX_CHECK_INTERVAL_S);
    // once the longest interval has passed, WeCom has forgotten them all
    now += MAX_CHECK_INTERVAL_S * 1000 + 1;
    expect((await sends.text('t-6#0', 'U7', '已收到，正在处理')).intervalS).toBe(MAX_CHECK_INTERVAL_S);
  });

  it('counts what was tried to a member: the 31st in a minute and the 1001st in an hour wait, saying how long', async () => {
    const sends = new SendRecords(t.db, clock, 100);
    for (let i = 0; i < 30; i++) {
      await sends.text(`m-${i}#0`, 'U9', `第 ${i} 条`);
      now += 1000;
    }
    // the first of the 30 was tried 30 s ago: room again 30 s (+ the margin) from now
    await expect(sends.card('m-30', 'U9')).rejects.toMatchObject({ rateLimited: true, retryAfterMs: 30_100 });
    now += 30_100;
    await sends.card('m-30', 'U9');
    // an hour's worth, 30 a minute
    const M = t.db.models.WeComSend;
    const start = now - 3_500_000;
    await M.bulkCreate(
      Array.from({ length: 1000 }, (_, i) => ({
        sendKey: `h-${i}`,
        userid: 'U10',
        kind: 'text' as const,
        triedAt: new Date(start + i * 2_000),
      })),
    );
    await expect(sends.text('h-1000#0', 'U10', 'x')).rejects.toMatchObject({ rateLimited: true, retryAfterMs: 100_100 });
  });
});
