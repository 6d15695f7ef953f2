import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { approvalCard } from '../../bot/cards/approval';
import type { Card } from '../../bot/cards/card';
import { assertLarkCard } from '../../bot/channels/lark/card-json';
import { cardActionAnswer, decodeCardAction, decodeMessage, MAX_COMMENT, TOAST_MAX } from '../../bot/channels/lark/decode';
import { renderCard } from '../../bot/channels/lark/render';

/**
 * Decoding runs on what the real SDK hands a handler: every fixture is a raw schema 2.0 body
 * (shaped like the examples in Lark's event docs and im-platforms.md §1.4–1.5) pushed through
 * node-sdk's EventDispatcher, so the flattening is the SDK's, not a guess of ours.
 */

const BOT = 'ou_bot0000000000000000000000000000';
const ALICE = 'ou_alice000000000000000000000000000';
const BOB = 'ou_bob00000000000000000000000000000';
const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

/** the handler data node-sdk 1.74.0 builds from a raw body */
async function viaSdk(body: Record<string, unknown>): Promise<unknown> {
  let seen: unknown;
  const type = (body.header as { event_type: string }).event_type;
  const d = new lark.EventDispatcher({ logger: quiet }).register({
    [type]: async (data: unknown) => {
      seen = data;
      return {};
    },
  });
  await d.invoke(body);
  if (seen === undefined) throw new Error(`the SDK did not dispatch ${type}`);
  return seen;
}

const header = (type: string, id: string) => ({
  event_id: id,
  event_type: type,
  create_time: '1763878512345',
  token: 'verification-token-v',
  app_id: 'cli_0123456789abcdef',
  tenant_key: '2c7e7fb8450f175e',
});

let seq = 0;
function messageBody(message: Record<string, unknown>, sender: Record<string, unknown> = {}) {
  seq += 1;
  return {
    schema: '2.0',
    header: header('im.message.receive_v1', `ev-msg-${seq}`),
    event: {
      sender: {
        sender_id: { open_id: ALICE, union_id: 'on_alice', user_id: 'u_alice' },
        sender_type: 'user',
        tenant_key: '2c7e7fb8450f175e',
        ...sender,
      },
      message: {
        message_id: `om_${seq}`,
        create_time: '1763878512000',
        update_time: '1763878512000',
        chat_id: 'oc_group1',
        chat_type: 'group',
        message_type: 'text',
        ...message,
      },
    },
  };
}

const mention = (key: string, openId: string, name: string) => ({
  key,
  id: { open_id: openId, union_id: `on_${name}`, user_id: '' },
  name,
  tenant_key: '2c7e7fb8450f175e',
});

describe('decodeMessage', () => {
  it('a text that @s the bot: placeholder gone, other people keep their name, mentionedBot', async () => {
    const body = messageBody({
      content: JSON.stringify({ text: '@_user_1 库存 A100 @_user_2  ' }),
      mentions: [mention('@_user_1', BOT, 'Q2C助手'), mention('@_user_2', BOB, '鲍勃')],
    });
    expect(decodeMessage(await viaSdk(body), BOT)).toEqual({
      eventId: body.header.event_id,
      messageId: body.event.message.message_id,
      chatId: 'oc_group1',
      chatType: 'group',
      senderOpenId: ALICE,
      text: '库存 A100 @鲍勃',
      mentionedBot: true,
    });
  });

  it('mentionedBot only when a mention is the bot itself', async () => {
    const other = messageBody({ content: JSON.stringify({ text: '@_user_1 看一下' }), mentions: [mention('@_user_1', BOB, '鲍勃')] });
    expect(decodeMessage(await viaSdk(other), BOT)).toMatchObject({ text: '@鲍勃 看一下', mentionedBot: false });
    const all = messageBody({ content: JSON.stringify({ text: '@_all 开会' }) });
    expect(decodeMessage(await viaSdk(all), BOT)).toMatchObject({ text: '开会', mentionedBot: false });
    const p2p = messageBody({ chat_type: 'p2p', chat_id: 'oc_p2p', content: JSON.stringify({ text: '客户 华东机电' }) });
    expect(decodeMessage(await viaSdk(p2p), BOT)).toMatchObject({ chatType: 'p2p', text: '客户 华东机电', mentionedBot: false });
  });

  it('a rich-text post: text runs joined, lines kept, the bot at-element is a mention', async () => {
    const body = messageBody({
      message_type: 'post',
      content: JSON.stringify({
        title: '',
        content: [
          [
            { tag: 'at', user_id: '@_user_1', user_name: 'Q2C助手', style: [] },
            { tag: 'text', text: ' 报价 华东机电 ', style: ['bold'] },
          ],
          [
            { tag: 'text', text: 'A100×2000 ' },
            { tag: 'a', text: '价格表', href: 'https://example.com/p' },
          ],
          [{ tag: 'img', image_key: 'img_v3_x', width: 100, height: 100 }],
        ],
      }),
      mentions: [mention('@_user_1', BOT, 'Q2C助手')],
    });
    expect(decodeMessage(await viaSdk(body), BOT)).toMatchObject({ text: '报价 华东机电\nA100×2000 价格表', mentionedBot: true });
  });

  it('a post under a locale key, with a title and an at-element carrying the open_id', async () => {
    const body = messageBody({
      message_type: 'post',
      content: JSON.stringify({
        zh_cn: {
          title: '发货',
          content: [
            [
              { tag: 'at', user_id: BOT, user_name: 'Q2C助手' },
              { tag: 'text', text: '发货 SO-1 A100×800 顺丰 SF1' },
            ],
          ],
        },
      }),
    });
    expect(decodeMessage(await viaSdk(body), BOT)).toMatchObject({ text: '发货\n发货 SO-1 A100×800 顺丰 SF1', mentionedBot: true });
  });

  it.each([
    ['image', { message_type: 'image', content: JSON.stringify({ image_key: 'img_v3_x' }) }, 'image messages are not read'],
    [
      'file',
      { message_type: 'file', content: JSON.stringify({ file_key: 'file_v3_x', file_name: 'a.pdf' }) },
      'file messages are not read',
    ],
    ['sticker', { message_type: 'sticker', content: JSON.stringify({ file_key: 'x' }) }, 'sticker messages are not read'],
    ['broken content', { content: 'not json' }, 'text message without text'],
  ])('does not read %s, and keeps who sent it where so the bot can say so', async (name, message, reason) => {
    const got = decodeMessage(await viaSdk(messageBody(message)), BOT);
    expect(got).toMatchObject({ ignored: reason });
    if (name === 'broken content') expect('unreadable' in got).toBe(false);
    else expect(got).toMatchObject({ unreadable: { text: '', chatType: expect.any(String), messageId: expect.any(String) } });
  });

  it('ignores other bots and ourselves', async () => {
    const app = messageBody({ content: JSON.stringify({ text: 'hi' }) }, { sender_type: 'app', sender_id: { open_id: 'ou_other_bot' } });
    expect(decodeMessage(await viaSdk(app), BOT)).toEqual({ ignored: 'sender is app, not a user' });
    const self = messageBody({ content: JSON.stringify({ text: 'hi' }) }, { sender_id: { open_id: BOT } });
    expect(decodeMessage(await viaSdk(self), BOT)).toEqual({ ignored: 'our own message' });
  });

  it('reads an unflattened body too, and refuses what is not a message', async () => {
    const body = messageBody({ content: JSON.stringify({ text: '库存 A100' }) });
    expect(decodeMessage(body, BOT)).toMatchObject({ eventId: body.header.event_id, text: '库存 A100' });
    expect(decodeMessage({ foo: 1 }, BOT)).toEqual({ ignored: 'not a message event we can read' });
  });
});

const approval = approvalCard({
  stepId: 7,
  workflowId: 'q2c-QT-20261123-0001',
  subject: 'quote',
  canSeeCost: true,
  stepNo: 1,
  totalSteps: 1,
  approverName: '王芳',
  quoteNumber: 'QT-1',
  orderNumber: 'SO-1',
  customer: '华东机电有限公司',
  repName: '张伟',
  totalFen: 100,
  manualDiscountBp: 1200,
  lines: [],
  reasons: [],
  state: { kind: 'pending' },
});

/** the callback value a button of the rendered card really carries */
function drawnValue(card: Card, action: string): unknown {
  const buttons = renderCard(card).body.elements.flatMap((e): { tag: string; behaviors?: { value: Record<string, unknown> }[] }[] =>
    e.tag === 'form' ? e.elements : e.tag === 'column_set' ? e.columns.flatMap((c) => c.elements) : [e],
  );
  for (const b of buttons) {
    const value = b.tag === 'button' ? b.behaviors?.[0]?.value : undefined;
    if (value?.a === action) return value;
  }
  throw new Error(`no ${action} button`);
}

function actionBody(action: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  seq += 1;
  return {
    schema: '2.0',
    header: header('card.action.trigger', `ev-card-${seq}`),
    event: {
      operator: { tenant_key: '2c7e7fb8450f175e', user_id: 'u_wang', open_id: ALICE, union_id: 'on_wang' },
      token: 'c-5b7e1f0b8d3a4c2e9f6a1d0c3b2a4e5f6a7b8c9d',
      action: { tag: 'button', ...action },
      host: 'im_message',
      context: { open_message_id: 'om_card1', open_chat_id: 'oc_group1' },
      ...extra,
    },
  };
}

describe('decodeCardAction', () => {
  it('a plain button: the value we drew comes back, and data.token is the update token, not the verification token', async () => {
    const body = actionBody({ value: drawnValue(approval, 'approval.approve') });
    expect(decodeCardAction(await viaSdk(body))).toEqual({
      eventId: body.header.event_id,
      operatorOpenId: ALICE,
      messageId: 'om_card1',
      chatId: 'oc_group1',
      cardId: 'approval:7',
      action: 'approval.approve',
      value: { stepId: 7, workflowId: 'q2c-QT-20261123-0001' },
      token: 'c-5b7e1f0b8d3a4c2e9f6a1d0c3b2a4e5f6a7b8c9d',
    });
  });

  it('the reject form: the reason arrives in form_value.comment, trimmed and cut at 500 characters', async () => {
    const reject = drawnValue(approval, 'approval.reject');
    const body = actionBody({ value: reject, name: 'submit_0', form_value: { comment: '  价格太低，请重新报价  ' } });
    expect(decodeCardAction(await viaSdk(body))).toMatchObject({ action: 'approval.reject', comment: '价格太低，请重新报价' });
    const long = actionBody({ value: reject, name: 'submit_0', form_value: { comment: '驳'.repeat(MAX_COMMENT + 20) } });
    expect((decodeCardAction(await viaSdk(long)) as { comment: string }).comment).toBe('驳'.repeat(MAX_COMMENT));
    const empty = actionBody({ value: reject, name: 'submit_0', form_value: { comment: '   ' } });
    expect(decodeCardAction(await viaSdk(empty))).not.toHaveProperty('comment');
    const standalone = actionBody({ tag: 'input', value: reject, input_value: '库存不足' });
    expect(decodeCardAction(await viaSdk(standalone))).toMatchObject({ comment: '库存不足' });
  });

  it.each([
    ['no value', {}],
    ['a foreign value', { value: { action: 'approve', req: 'R1' } }],
    ['an action name that is not ours', { value: { c: 'approval:7', a: 'DROP TABLE', v: {} } }],
    ['a nested value', { value: { c: 'approval:7', a: 'approval.approve', v: { x: { y: 1 } } } }],
  ])('ignores %s', async (_n, action) => {
    expect(decodeCardAction(await viaSdk(actionBody(action)))).toEqual({ ignored: 'the button value is not one we drew' });
  });

  it('ignores a click without operator or outside a message', async () => {
    const noOp = actionBody({ value: drawnValue(approval, 'approval.approve') }, { operator: {} });
    expect(decodeCardAction(await viaSdk(noOp))).toEqual({ ignored: 'not a card action we can read' });
    const noCtx = actionBody({ value: drawnValue(approval, 'approval.approve') }, { context: {} });
    expect(decodeCardAction(await viaSdk(noCtx))).toEqual({ ignored: 'a card action outside a chat message' });
  });
});

describe('cardActionAnswer', () => {
  it('the card reply redraws in place, the text reply is the toast', () => {
    const a = cardActionAnswer(
      [
        { kind: 'text', text: '已驳回' },
        { kind: 'card', card: approval },
      ],
      'zh',
      'success',
    );
    expect(a.toast).toEqual({ type: 'success', content: '已驳回' });
    expect(a.card?.type).toBe('raw');
    expect(assertLarkCard(a.card?.data)).toEqual(renderCard(approval));
  });

  it('without a text the toast says done in the viewer language; without a card there is no card', () => {
    expect(cardActionAnswer([{ kind: 'card', card: approval }], 'en').toast).toEqual({ type: 'info', content: 'Done' });
    expect(cardActionAnswer([{ kind: 'card', card: approval }]).toast.content).toBe('已处理');
    expect(cardActionAnswer([{ kind: 'text', text: '无权审批' }], 'zh', 'error')).toEqual({
      toast: { type: 'error', content: '无权审批' },
    });
  });

  it('a long answer is cut to its first line and TOAST_MAX characters', () => {
    const long = `${'库存不足'.repeat(30)}\n第二行`;
    const content = cardActionAnswer([{ kind: 'text', text: long }]).toast.content;
    expect([...content]).toHaveLength(TOAST_MAX);
    expect(content.endsWith('…')).toBe(true);
    expect(cardActionAnswer([{ kind: 'text', text: '第一行\n第二行' }]).toast.content).toBe('第一行');
  });
});
