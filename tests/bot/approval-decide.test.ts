import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideApproval } from '../../bot/actions/approval-decide';
import type { Flows } from '../../bot/flows';
import { inboxSince } from '../../bot/outbox';
import { loadUser } from '../../bot/user-context';
import { seedDemoCompany } from '../../models/seed/demo-company';
import type { DecideResult } from '../../workflows/messages';
import { freshDb, type TestDb } from '../helpers/db';

/** A flow whose acceptance and outcome the test releases by hand, recording what happened when. */
function heldFlow(events: string[]) {
  let accept: () => void = () => {};
  let answer: (r: DecideResult) => void = () => {};
  const flows = {
    decide: (_wf: string, _input: unknown, _id: string, opts?: { accepted?: () => void }) => {
      events.push('update sent');
      accept = () => {
        events.push('accepted');
        opts?.accepted?.();
      };
      return new Promise<DecideResult>((r) => {
        answer = (res) => {
          events.push('outcome');
          r(res);
        };
      });
    },
  } as unknown as Flows;
  return { flows, accept: () => accept(), answer: (r: DecideResult) => answer(r) };
}

describe('an approval click is answered fast, and never before the flow holds it', () => {
  let t: TestDb;
  let stepId: number;
  let approverLogin: string;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    const step = await t.db.models.ApprovalStep.findOne({ where: { status: 'pending' }, order: [['id', 'ASC']] });
    stepId = step!.id;
    approverLogin = (await t.db.models.User.findByPk(step!.approverUserId))!.login;
  });
  afterAll(async () => t?.drop());

  it('waits for acceptance, then answers "being handled" when the outcome is slow, and pushes a refusal later', async () => {
    const user = (await loadUser(t.db, approverLogin))!;
    const events: string[] = [];
    const held = heldFlow(events);
    const reply = decideApproval(
      { db: t.db, flows: held.flows, answerWithinMs: 0 },
      user,
      { stepId, workflowId: 'wf' },
      'approve',
      undefined,
      'r1',
    ).then((r) => {
      events.push('answered');
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['update sent']);
    held.accept();
    const replies = await reply;
    expect(events).toEqual(['update sent', 'accepted', 'answered']);
    expect(replies).toEqual([{ kind: 'text', text: '已收到，正在处理，完成后卡片会自动更新' }]);
    const before = (await inboxSince(t.db, user.id, 0)).next;
    held.answer({ ok: false, message: { zh: '可用库存已从 10 降到 0，请按最新情况重新确认', en: 'stock fell' } });
    for (let i = 0; i < 50 && (await inboxSince(t.db, user.id, before)).messages.length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const told = (await inboxSince(t.db, user.id, before)).messages.map((m) => m.reply);
    expect(told).toEqual([{ kind: 'text', text: '可用库存已从 10 降到 0，请按最新情况重新确认' }]);
  });

  it('answers with the outcome and the card when the flow is quick', async () => {
    const user = (await loadUser(t.db, approverLogin))!;
    const events: string[] = [];
    const held = heldFlow(events);
    const reply = decideApproval(
      { db: t.db, flows: held.flows, answerWithinMs: 60_000 },
      user,
      { stepId, workflowId: 'wf' },
      'reject',
      '不行',
      'r2',
    );
    while (!events.includes('update sent')) await new Promise((r) => setTimeout(r, 5));
    held.accept();
    held.answer({ ok: false, message: { zh: '只有 某人 可以审批这一步', en: 'only someone' } });
    const replies = await reply;
    expect(replies.map((r) => r.kind)).toEqual(['card', 'text']);
    expect(replies[0]).toMatchObject({ kind: 'card', card: { id: `approval:${stepId}` } });
    expect(replies[1]).toEqual({ kind: 'text', text: '只有 某人 可以审批这一步' });
  });
});
