import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTo, replaceCard } from '../../bot/outbox';
import { until } from '../helpers/until';
import { startWeChatHarness, WAREHOUSE_ROOM, type WeChatHarness, wxidOf } from '../helpers/wechat-harness';

describe('the WeChat channel (wechaty, mock puppet)', () => {
  let h: WeChatHarness;
  const texts = (to: string) => h.fake.sentTo(to).map((m) => m.text);

  beforeAll(async () => {
    // 王芳 has no remark: she binds by a code; 李强's remark is not an employee number
    h = await startWeChatHarness({ remark: (login, no) => (login === 'wangfang' ? null : login === 'liqiang' ? '李总' : no) });
    h.fake.addContact({ id: 'wx_stranger', name: '路人甲' });
  }, 60_000);
  afterAll(async () => h?.close());

  it('answers a contact whose remark is their employee number, in their chat, binding them', async () => {
    h.fake.say(wxidOf('zhangwei'), 'A100还有多少');
    const [answer] = await until('the stock answer', () => (texts(wxidOf('zhangwei')).length ? texts(wxidOf('zhangwei')) : undefined));
    expect(answer).toMatch(/^【.*A100/);
    expect(answer).toContain('上海仓');
    const bound = await h.t.db.models.ChannelIdentity.findOne({ where: { channel: 'wechaty', externalId: wxidOf('zhangwei') } });
    expect(bound).toMatchObject({ userId: await h.userId('zhangwei'), boundBy: 'employee_no' });
  });

  it('in a room answers only when mentioned, in the room', async () => {
    const before = h.fake.sent.length;
    h.fake.say(wxidOf('chenjing'), 'A100还有多少', { id: WAREHOUSE_ROOM, mention: false });
    h.fake.say(wxidOf('chenjing'), '库存 B200', { id: WAREHOUSE_ROOM, mention: true });
    const answer = await until('the answer in the room', () => h.fake.sentTo(WAREHOUSE_ROOM)[0]);
    await h.delivery.settled();
    expect(answer.text).toContain('B200');
    expect(h.fake.sent.slice(before).map((m) => m.to)).toEqual([WAREHOUSE_ROOM]);
  });

  it('tells a stranger how to bind, runs nothing, and tells the admin once', async () => {
    h.fake.say('wx_stranger', '报价 华东机电 A100×10');
    h.fake.say('wx_stranger', 'hello, stock of A100?');
    const answers = await until('both refusals', () => (texts('wx_stranger').length >= 2 ? texts('wx_stranger') : undefined));
    // each in the language it was asked in
    const zh = answers.find((a) => a.startsWith('您好')) as string;
    expect(zh).toContain('发送“绑定 123456”');
    expect(zh).toContain('备注改为您的工号');
    expect(answers.find((a) => a.startsWith('Hello'))).toContain('send "bind 123456"');
    await h.delivery.settled();
    expect(texts(wxidOf('admin')).filter((t) => t.includes('wx_stranger'))).toHaveLength(1);
    expect(await h.t.db.models.ChannelIdentity.count({ where: { externalId: 'wx_stranger' } })).toBe(0);
  });

  it('binds 王芳 by the code the admin issued on WeChat; the code works once', async () => {
    h.fake.say(wxidOf('admin'), '绑定码 王芳');
    const issued = await until('the code', () => texts(wxidOf('admin')).find((t) => t.includes('的绑定码')));
    const code = /绑定码：(\d{6})/.exec(issued)?.[1] as string;
    expect(issued).toContain('王芳（E1003）');
    h.fake.say(wxidOf('wangfang'), `绑定 ${code}`);
    await until('her welcome', () => texts(wxidOf('wangfang')).find((t) => t.startsWith('绑定成功：您好，王芳')));
    await until('the admin told', () => texts(wxidOf('admin')).find((t) => t.includes('王芳 已用绑定码绑定微信账号')));
    const bound = await h.t.db.models.ChannelIdentity.findOne({ where: { channel: 'wechaty', externalId: wxidOf('wangfang') } });
    expect(bound).toMatchObject({ userId: await h.userId('wangfang'), boundBy: 'code' });
    // spent: the stranger cannot use it again
    h.fake.say('wx_stranger', `绑定 ${code}`);
    await until('the refusal', () => texts('wx_stranger').find((t) => t.includes('绑定码已被使用')));
    const audit = await h.t.db.models.AuditLog.findAll({ where: { entityId: String(await h.userId('wangfang')) }, order: [['id', 'ASC']] });
    expect(audit.map((a) => a.action)).toEqual(['bind_code.issued', 'bind_code.used']);
  });

  it('a non-admin cannot issue codes', async () => {
    h.fake.say(wxidOf('zhangwei'), '绑定码 李娜');
    await until('the refusal', () => texts(wxidOf('zhangwei')).find((t) => t === '只有管理员可以生成绑定码'));
  });

  it('reaches 李娜, who never wrote, by her remark; and not 李强, whose remark is no employee number', async () => {
    await pushTo(
      h.t.db,
      [await h.userId('lina'), await h.userId('liqiang')],
      { kind: 'text', text: '有一张报价等您审批' },
      { dedupeKey: 'first-contact' },
    );
    await h.delivery.settled();
    expect(texts(wxidOf('lina'))).toEqual(['有一张报价等您审批']);
    expect(texts(wxidOf('liqiang'))).toEqual([]);
  });

  it('a card goes as text with its replies numbered; its update as a short follow-up', async () => {
    const id = await h.userId('lina');
    const card = {
      id: 'approval:12',
      title: '报价审批 · 华东机电',
      status: { text: '待 李娜 审批', tone: 'warning' as const },
      fields: [{ label: '价税合计', value: '¥1,130.00' }],
      buttons: [
        { text: '同意', action: 'approval.approve', value: { stepId: 12, workflowId: 'wf' } },
        { text: '驳回', action: 'approval.reject', value: { stepId: 12, workflowId: 'wf' } },
      ],
    };
    await pushTo(h.t.db, [id], { kind: 'card', card }, { dedupeKey: 'card-12' });
    await h.delivery.settled();
    const sent = texts(wxidOf('lina')).at(-1) as string;
    expect(sent).toContain('【报价审批 · 华东机电】');
    expect(sent).toContain('价税合计：¥1,130.00');
    expect(sent.split('\n').at(-1)).toBe('回复「同意 12」或「驳回 12 理由」');
    await replaceCard(
      h.t.db,
      [id],
      { ...card, status: { text: '李娜 已同意 · 经微信', tone: 'success' }, buttons: [] },
      { dedupeKey: 'card-12-done' },
    );
    await h.delivery.settled();
    expect(texts(wxidOf('lina')).at(-1)).toBe('报价审批 · 华东机电 #12：✅ 李娜 已同意 · 经微信');
  });
});
