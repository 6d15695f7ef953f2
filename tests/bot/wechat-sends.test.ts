import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendLedger } from '../../bot/channels/wechat/sends';
import { freshDb, type TestDb } from '../helpers/db';

/** The send ledger: each part of a delivery goes to WeChat once, though wechaty takes no idempotency key. */
describe('the WeChat send ledger', () => {
  let t: TestDb;
  let ledger: SendLedger;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    ledger = new SendLedger(t.db);
  });
  afterAll(async () => t?.drop());

  const counting = (id: string | null = null) => {
    const calls: number[] = [];
    return {
      calls,
      send: async () => {
        calls.push(1);
        return id;
      },
    };
  };

  it('a part sent is not sent again: the second try gets the first one’s id', async () => {
    const s = counting('m-1');
    expect(await ledger.once('d-1:0', 'wx_a', '你好', s.send)).toBe('m-1');
    expect(await ledger.once('d-1:0', 'wx_a', '你好', s.send)).toBe('m-1');
    expect(s.calls).toHaveLength(1);
  });

  it('a send that failed is tried again, and then goes once', async () => {
    const fail = async (): Promise<string | null> => {
      throw new Error('gRPC unavailable');
    };
    await expect(ledger.once('d-2:0', 'wx_a', '第二条', fail)).rejects.toThrow('gRPC unavailable');
    expect((await t.db.models.ChannelSend.findOne({ where: { sendKey: 'd-2:0' } }))?.state).toBe('failed');
    const s = counting('m-2');
    expect(await ledger.once('d-2:0', 'wx_a', '第二条', s.send)).toBe('m-2');
    expect(s.calls).toHaveLength(1);
  });

  it('an echo settles a claim before its answer comes: a retry after a crash sends nothing', async () => {
    await ledger.once('d-3:1', 'wx_b', '审批卡片', async () => {
      // the echo of this very send arrives before its answer
      expect(await ledger.echo('wx_b', '审批卡片', 'm-3')).toBe(true);
      return null;
    });
    expect((await t.db.models.ChannelSend.findOne({ where: { sendKey: 'd-3:1' } }))?.toJSON()).toMatchObject({
      state: 'echoed',
      messageId: 'm-3',
    });
    const s = counting();
    expect(await ledger.once('d-3:1', 'wx_b', '审批卡片', s.send)).toBe('m-3');
    expect(s.calls).toHaveLength(0);
  });

  it('an echo matches the oldest open claim of its chat and text, and none of another chat', async () => {
    const { ChannelSend } = t.db.models;
    const claim = (key: string, chat: string) =>
      ledger
        .once(key, chat, '提醒汇总', async () => {
          throw new Error('cut off');
        })
        .catch(() => undefined);
    await claim('d-4:0', 'wx_c');
    await claim('d-5:0', 'wx_c');
    await claim('d-6:0', 'wx_d');
    expect(await ledger.echo('wx_c', '提醒汇总', 'm-4')).toBe(true);
    const states = Object.fromEntries(
      (await ChannelSend.findAll({ where: { sendKey: ['d-4:0', 'd-5:0', 'd-6:0'] } })).map((c) => [c.sendKey, c.state]),
    );
    expect(states).toEqual({ 'd-4:0': 'echoed', 'd-5:0': 'failed', 'd-6:0': 'failed' });
    // an echo of something the ledger never sent (the phone's owner typing) settles nothing
    expect(await ledger.echo('wx_e', '手机上发的', 'm-9')).toBe(false);
  });
});
