import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import { openDb } from '../../models/db';
import { consoleApi, textOf } from './app';
import { WeChatPerson as Person, replyNumber, startWeChatWorld, WAREHOUSE_ROOM, type WeChatPerson, type WeChatWorld } from './wechat-app';

/**
 * The quote-to-cash story of tests/e2e/q2c-stories.test.ts over WeChat: the real `main.ts`
 * connected through wechaty-puppet-service to the mock puppet in this process. WeChat has no
 * buttons: every card comes as text with its replies numbered, people type them (提交 5,
 * 同意 12), and a card that changes comes as a short follow-up. 王芳 has no remark in the
 * bot's account: she binds with a code the admin issues in the console. Everyone else is known
 * by their remark, their employee number.
 */
const QT = /QT-\d{8}-\d{4}/;
const SO = /SO-\d{8}-\d{4}/;
const yuan = (fen: number) => (fen / 100).toFixed(2);
const fen = (s: string) => Math.round(Number(s.replace(/[¥,]/g, '')) * 100);
const first = (re: RegExp, text: string, i = 0) => {
  const m = re.exec(text);
  if (!m) throw new Error(`${re} does not match: ${text}`);
  return m[i] as string;
};

describe('quote to cash over WeChat (wechaty-puppet-service → wechaty-puppet-mock)', () => {
  let w: WeChatWorld;
  const people = <T extends string[]>(...logins: T) => logins.map((l) => new Person(w.fake, l)) as { [K in keyof T]: WeChatPerson };

  beforeAll(async () => {
    w = await startWeChatWorld({ noRemark: ['wangfang'] });
  }, 120_000);
  afterAll(async () => w?.close());

  it('张伟 asks for stock, quotes, submits by 提交 N; 王芳 binds by code and approves by 同意 N, 李强 too; 陈静 ships in the room; 刘洋 records the payment → 已完成', async () => {
    const [rep, wang, li, chen, liu] = people('zhangwei', 'wangfang', 'liqiang', 'chenjing', 'liuyang');
    // 王芳 is no one to the bot: she is told how to get access; the admin issues her a code in the console, she sends it
    expect((await wang.ask('你好', '还没有开通本系统')).text).toContain('绑定 123456');
    const issued = textOf(await consoleApi(w.app.base).say('admin', '绑定码 王芳'));
    const code = first(/绑定码：(\d{6})/, issued, 1);
    await wang.ask(`绑定 ${code}`, '绑定成功：您好，王芳');

    const stock = await rep.ask('A100还有多少', 'A100');
    expect(stock.text).toMatch(/上海仓 \| 5000/);

    const quote = await rep.ask('报价 华东机电 A100×2000 折扣12%', '草稿');
    const quoteNo = first(QT, quote.text);
    expect(quote.text).toContain('王芳（销售经理）');
    const quoteId = replyNumber(quote.text, '提交');
    expect(quote.text).toContain(`「提交 ${quoteId}」或「取消报价 ${quoteId}」`);
    await rep.ask(`提交 ${quoteId}`, `报价 ${quoteNo} 已提交`);
    await rep.pushed(new RegExp(`#${quoteId}：✅ 已提交审批`));
    const orderNo = first(SO, (await rep.pushed(`${quoteNo} 已提交 王芳 审批（第 1/2 步）`)).text);

    // her approval card, as text with its replies
    const card = await wang.pushed(/【报价审批 · 华东机电有限公司】/);
    expect(card.text).toContain('待 王芳 审批');
    expect(card.text).toContain(orderNo);
    const step1 = replyNumber(card.text, '同意');
    expect(card.text.split('\n').at(-1)).toBe(`回复「同意 ${step1}」或「驳回 ${step1} 理由」`);
    await wang.ask(`同意 ${step1}`, new RegExp(`#${step1}：✅ 王芳 已同意 · \\d\\d-\\d\\d \\d\\d:\\d\\d · 经微信`));
    await rep.pushed(`王芳 已同意 ${quoteNo}`);
    // a second decision is refused, saying who decided, when and where
    await wang.ask(`同意 ${step1}`, /该审批已由 王芳 于 .* 在微信 同意，无需重复操作/);

    const liCard = await li.pushed(/【报价审批 · 华东机电有限公司】[\s\S]*2\/2 · 李强/);
    await li.ask(`approve ${replyNumber(liCard.text, '同意')}`, /李强 已同意/);
    await rep.pushed(`订单 ${orderNo} 已确认，库存已锁定，已通知仓库发货`);

    // 陈静 gets the shipping notice, and ships by @mentioning the bot in the warehouse room
    const notice = await chen.pushed(new RegExp(`${orderNo}[\\s\\S]*待发货`));
    expect(notice.text).toMatch(/A100 .* \| 2000 \| 0 \| 2000/);
    const shipped = await chen.ask(
      `发货 ${orderNo} A100×2000 顺丰 SF1234567890`,
      /已登记发货 .*（顺丰 SF1234567890），应收 AR-/,
      WAREHOUSE_ROOM,
    );
    expect(shipped.to).toBe(WAREHOUSE_ROOM);
    await rep.pushed(`订单 ${orderNo} 已发货 A100×2000（顺丰 SF1234567890）`);

    // 刘洋 reads the receivable off the order and records the payment
    const order = await liu.ask(`订单 ${orderNo}`, orderNo);
    const total = fen(first(/价税合计：(¥[\d,]+\.\d\d)/, order.text, 1));
    const receivable = first(/应收 (AR-\S+) ¥/, order.text, 1);
    const paid = await liu.ask(`回款 华东机电 ${yuan(total)}`, receivable);
    expect(paid.text).toMatch(new RegExp(`${receivable} \\| ¥[\\d,.]+ \\| 已结清`));
    await liu.askUntil(`订单 ${orderNo}`, orderNo, (m) => m.text.includes('已完成'));
    await rep.pushed(`订单 ${orderNo} 已完成：全部发货，货款已全部收回`);

    const db = await openDb({ url: '', dataDir: w.dataDir });
    try {
      expect(await ledgerDiscrepancies(db)).toEqual([]);
      const bound = await db.models.ChannelIdentity.findAll({ where: { channel: 'wechaty' }, order: [['id', 'ASC']] });
      expect(Object.fromEntries(bound.map((b) => [b.externalId, b.boundBy]))).toMatchObject({
        wx_zhangwei: 'employee_no',
        wx_wangfang: 'code',
        wx_liqiang: 'employee_no',
      });
    } finally {
      await db.close();
    }
  }, 120_000);

  it('王芳 rejects by 驳回 N: asked for the reason first, then 张伟 is told why', async () => {
    const [rep, wang] = people('zhangwei', 'wangfang');
    const quote = await rep.ask('报价 华东机电 A100×100 折扣8%', '草稿');
    const quoteNo = first(QT, quote.text);
    await rep.ask(`提交 ${replyNumber(quote.text, '提交')}`, `报价 ${quoteNo} 已提交`);
    const card = await wang.pushed(new RegExp(`【报价审批 · 华东机电有限公司】[\\s\\S]*${quoteNo}`));
    const step = replyNumber(card.text, '同意');
    const asked = await wang.ask(`驳回 ${step}`, '请写明驳回理由');
    expect(asked.text).toContain(`例：驳回 ${step} `);
    const reason = '折扣超出本季度政策，请按 5% 以内重新报价';
    await wang.ask(`驳回 ${step} ${reason}`, new RegExp(`#${step}：⛔ 王芳 已驳回`));
    await rep.pushed(`报价 ${quoteNo} 被驳回`);
    await rep.pushed(reason);
  }, 120_000);
});
