import { describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import { decodeClick } from '../../bot/channels/wecom/decode';
import { buttonKey, renderCard, splitText } from '../../bot/channels/wecom/render';
import { PER_MEMBER_PER_HOUR, PER_MEMBER_PER_MIN } from '../fakes/wecom';
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

describe('the fake WeCom API', () => {
  let now = 0;
  const fakeApi = () => {
    now = 0;
    const api = new FakeWeComApi('ww1', 's', '1', () => now);
    api.users.set('U1', { userid: 'U1', name: 'x' });
    const tok = (
      api.handle('GET', '/cgi-bin/gettoken', new URLSearchParams({ corpid: 'ww1', corpsecret: 's' }), {}).json as {
        access_token: string;
      }
    ).access_token;
    const send = (msg: Record<string, unknown> = { msgtype: 'text', text: { content: 'hi' } }) =>
      api.handle('POST', '/cgi-bin/message/send', new URLSearchParams({ access_token: tok }), { touser: 'U1', agentid: 1, ...msg })
        .json as { errcode: number; msgid: string };
    return { api, send };
  };

  it('drops what is over 30 a minute to one member silently, counts it, and blocks that minute', () => {
    const { api, send } = fakeApi();
    for (let i = 0; i < PER_MEMBER_PER_MIN + 5; i++) expect(send().errcode).toBe(0);
    expect(api.messages).toHaveLength(PER_MEMBER_PER_MIN);
    expect(api.dropped).toBe(5);
    expect(api.droppedBy).toEqual({ 'minute:U1': 5 });
    now = 60_001;
    send();
    expect(api.messages).toHaveLength(PER_MEMBER_PER_MIN + 1);
  });

  it('drops what is over 1000 an hour, even at 30 a minute', () => {
    const { api, send } = fakeApi();
    for (let i = 0; i < PER_MEMBER_PER_HOUR; i++) {
      send({ msgtype: 'text', text: { content: `#${i}` } });
      if (i % PER_MEMBER_PER_MIN === PER_MEMBER_PER_MIN - 1) now += 60_001;
    }
    expect(api.dropped).toBe(0);
    send();
    expect(api.droppedBy).toEqual({ 'hour:U1': 1 });
    expect(api.messages).toHaveLength(PER_MEMBER_PER_HOUR);
  });

  it('shows a request identical to one taken within its duplicate check once, and takes a task_id once', () => {
    const { api, send } = fakeApi();
    const checked = { msgtype: 'text', text: { content: 'hi' }, enable_duplicate_check: 1, duplicate_check_interval: 600 };
    const first = send(checked);
    expect(send(checked)).toEqual({ errcode: 0, errmsg: 'ok', invaliduser: '', msgid: first.msgid });
    expect(send({ ...checked, duplicate_check_interval: 599 }).msgid).not.toBe(first.msgid);
    send(); // without the check, always shown
    expect(api.messages).toHaveLength(3);
    expect(api.duplicates).toBe(1);
    now = 600_001;
    send(checked);
    expect(api.messages).toHaveLength(4);
    const card = { msgtype: 'template_card', template_card: { card_type: 'button_interaction', task_id: 'd-1-ab' } };
    expect(send(card).errcode).toBe(0);
    expect(send(card).errcode).toBe(40058);
    expect(api.messages.filter((m) => m.taskId === 'd-1-ab')).toHaveLength(1);
  });
});
