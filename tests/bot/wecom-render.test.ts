import { describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import type { WeComApi } from '../../bot/channels/wecom/api';
import { wecomChannel } from '../../bot/channels/wecom/channel';
import { CODE_VALID_MS, ResponseCodes } from '../../bot/channels/wecom/codes';
import { decodeClick } from '../../bot/channels/wecom/decode';
import { buttonKey, renderCard, splitText } from '../../bot/channels/wecom/render';
import { DeliveryError } from '../../bot/delivery/delivery-error';
import { PER_MEMBER_PER_MIN } from '../fakes/wecom';
import { FakeWeComApi } from '../fakes/wecom/api';

const card: Card = {
  id: 'approval:12',
  title: '报价审批 #12',
  status: { text: '待审批', tone: 'warning' },
  fields: [{ label: '客户', value: '华东机电' }],
  buttons: [
    { text: '同意', action: 'approval.approve', value: { approvalId: 12 }, style: 'primary' },
    {
      text: '驳回',
      action: 'approval.reject',
      value: { approvalId: 12 },
      style: 'danger',
      asks: { label: '理由', placeholder: '', maxLength: 200, required: true },
    },
  ],
};

describe('WeCom rendering and decoding', () => {
  it('draws a button-interaction card whose keys come back as the neutral action', () => {
    const tc = renderCard(card, 'd-7') as { task_id: string; button_list: { key: string }[]; sub_title_text: string };
    expect(tc.task_id).toBe('d-7');
    expect(tc.sub_title_text).toContain('网页控制台');
    const click = decodeClick({
      MsgType: 'event',
      Event: 'template_card_event',
      FromUserName: 'U1',
      EventKey: tc.button_list[1]?.key as string,
      TaskId: 'd-7',
      ResponseCode: 'rc1',
    });
    expect(click).toMatchObject({ cardId: 'approval:12', action: 'approval.reject', value: { approvalId: 12 }, eventId: 'click:rc1' });
  });

  it('refuses a key over 1024 bytes rather than have WeCom cut it', () => {
    expect(() => buttonKey('c', 'a', { note: '很'.repeat(400) })).toThrow(/1024/);
  });

  it('cuts a long text at line ends, within 2048 bytes a part, losing nothing', () => {
    const text = Array.from({ length: 300 }, (_, i) => `第${i}行 库存充足`).join('\n');
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2048);
    expect(parts.join('\n')).toBe(text);
    expect(splitText('短')).toEqual(['短']);
  });
});

describe('response codes and card updates', () => {
  it('spends the freshest valid code once; after 72 h none is left', () => {
    let now = 0;
    const codes = new ResponseCodes(() => now);
    codes.give('t', 'a');
    now = 10;
    codes.give('t', 'b');
    expect(codes.take('t')).toBe('b');
    now = CODE_VALID_MS + 1;
    expect(codes.take('t')).toBeNull();
  });

  it('updates in place with a code, and sends the card anew when there is none or WeCom refuses it', async () => {
    const calls: string[] = [];
    let refuse = false;
    const api = {
      sendText: async () => ({ msgid: 'm', responseCode: null }),
      sendCard: async (_u: string, c: Record<string, unknown>) => {
        calls.push(`send ${c.task_id}`);
        return { msgid: 'm', responseCode: `code-${c.task_id}` };
      },
      updateCard: async (_u: string, code: string) => {
        calls.push(`update ${code}`);
        if (refuse) throw new DeliveryError('40078', { retryable: false, code: 40078 });
      },
    } as unknown as WeComApi;
    const codes = new ResponseCodes();
    const ch = wecomChannel(api, { addressOf: async () => 'U1' }, codes);
    const base = { deliveryId: 1, externalId: 'U1', replyTo: null, reply: { kind: 'card' as const, card } };
    expect(await ch.send({ ...base, uuid: 'd-1', kind: 'card', messageIds: [] })).toEqual({ platformMessageId: 'd-1' });
    expect(await ch.send({ ...base, uuid: 'd-2', kind: 'card_update', messageIds: ['d-1'] })).toEqual({ platformMessageId: null });
    // the send's code is spent: the next update comes as a new card
    expect(await ch.send({ ...base, uuid: 'd-3', kind: 'card_update', messageIds: ['d-1'] })).toEqual({ platformMessageId: 'd-3' });
    refuse = true;
    codes.give('d-1', 'late');
    expect(await ch.send({ ...base, uuid: 'd-4', kind: 'card_update', messageIds: ['d-1'] })).toEqual({ platformMessageId: 'd-4' });
    expect(calls).toEqual(['send d-1', 'update code-d-1', 'send d-3', 'update late', 'send d-4']);
  });
});

describe('the fake WeCom API', () => {
  it('drops what is over 30 a minute to one member silently, and counts it', () => {
    let now = 0;
    const api = new FakeWeComApi('ww1', 's', '1', () => now);
    api.users.set('U1', { userid: 'U1', name: 'x' });
    const tok = (
      api.handle('GET', '/cgi-bin/gettoken', new URLSearchParams({ corpid: 'ww1', corpsecret: 's' }), {}).json as {
        access_token: string;
      }
    ).access_token;
    const send = () =>
      api.handle('POST', '/cgi-bin/message/send', new URLSearchParams({ access_token: tok }), {
        touser: 'U1',
        agentid: 1,
        msgtype: 'text',
        text: { content: 'hi' },
      }).json as { errcode: number };
    for (let i = 0; i < PER_MEMBER_PER_MIN + 5; i++) expect(send().errcode).toBe(0);
    expect(api.messages).toHaveLength(PER_MEMBER_PER_MIN);
    expect(api.dropped).toBe(5);
    now = 60_001;
    send();
    expect(api.messages).toHaveLength(PER_MEMBER_PER_MIN + 1);
  });
});
