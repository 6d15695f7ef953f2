import { describe, expect, it } from 'vitest';
import { types } from 'wechaty';
import type { Card } from '../../bot/cards/card';
import { fromStored } from '../../bot/channels/wechat/decode';
import { MAX_TEXT_CHARS, renderCard, renderUpdate, splitText } from '../../bot/channels/wechat/render';

const approval: Card = {
  id: 'approval:12',
  title: '报价审批 · 华东机电有限公司',
  status: { text: '待 王芳 审批', tone: 'warning' },
  fields: [
    { label: '客户', value: '华东机电有限公司' },
    { label: '价税合计', value: '¥5,198.61' },
  ],
  table: { columns: ['商品', '数量'], rows: [['A100 不锈钢六角螺栓 M8', '2000']] },
  notes: ['需审批原因：折扣 12% > 5%'],
  buttons: [
    { text: '同意', action: 'approval.approve', value: { stepId: 12, workflowId: 'wf' }, style: 'primary' },
    { text: '驳回', action: 'approval.reject', value: { stepId: 12, workflowId: 'wf' }, style: 'danger' },
  ],
};

describe('WeChat rendering', () => {
  it('a card as text: title, status, fields, rows, notes, and the replies it takes, numbered by the card', () => {
    expect(renderCard(approval)).toBe(
      [
        '【报价审批 · 华东机电有限公司】',
        '⏳ 待 王芳 审批',
        '客户：华东机电有限公司',
        '价税合计：¥5,198.61',
        '— 商品 | 数量',
        '· A100 不锈钢六角螺栓 M8 | 2000',
        '需审批原因：折扣 12% > 5%',
        '',
        '回复「同意 12」或「驳回 12 理由」',
      ].join('\n'),
    );
  });

  it('a card without buttons says nothing about replies; a long table is cut at ten rows', () => {
    const rows = Array.from({ length: 14 }, (_, i) => [`R${i}`]);
    const text = renderCard({ id: 'stock:A100', title: '库存', table: { columns: ['x'], rows } });
    expect(text).not.toContain('回复');
    expect(text.split('\n').filter((l) => l.startsWith('· '))).toHaveLength(10);
    expect(text).toContain('… 共 14 行');
  });

  it('an update is a short follow-up naming the card by its number, with the replies it still takes', () => {
    expect(renderUpdate({ ...approval, status: { text: '王芳 已同意 · 11-23 10:00 · 经微信', tone: 'success' }, buttons: [] })).toBe(
      '报价审批 · 华东机电有限公司 #12：✅ 王芳 已同意 · 11-23 10:00 · 经微信',
    );
    expect(renderUpdate({ ...approval, status: { text: '无法同意：库存不足', tone: 'danger' } })).toBe(
      '报价审批 · 华东机电有限公司 #12：⛔ 无法同意：库存不足\n回复「同意 12」或「驳回 12 理由」',
    );
  });

  it('a long text goes in parts of at most MAX_TEXT_CHARS, cut at line ends, nothing lost', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `${i + 1}. 提醒：应收 AR-${String(i).padStart(4, '0')} 已逾期 15 天`);
    const parts = splitText(lines.join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(parts.join('\n')).toBe(lines.join('\n'));
    expect(splitText('短')).toEqual(['短']);
  });

  it('a stored message comes back as it was received (recover), a room message as a group one', () => {
    expect(fromStored({ id: 'm1', talkerId: 'wx_a', roomId: 'r@chatroom', text: '库存 A100', mentioned: true })).toEqual({
      eventId: 'msg:m1',
      messageId: 'm1',
      chatId: 'r@chatroom',
      chatType: 'group',
      senderId: 'wx_a',
      text: '库存 A100',
      mentionedBot: true,
    });
    expect(fromStored({ id: 'm2', talkerId: 'wx_a', roomId: null, text: 'hi', mentioned: true })).toMatchObject({
      chatId: 'wx_a',
      chatType: 'p2p',
    });
    expect(fromStored({ xml: '<xml/>' })).toBeNull();
  });

  it('reads text by the puppet’s own message type', () => {
    // decode.ts keeps the number to stay free of wechaty at import time
    expect(types.Message.Text).toBe(7);
  });
});
