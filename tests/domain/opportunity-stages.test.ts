import { describe, expect, it } from 'vitest';
import { checkStageMove, readStage, type Stage, stagePath } from '../../domain/opportunity-stages';

describe('reading a stage as people type it', () => {
  it.each([
    ['方案报价', 'proposal', ''],
    ['报价', 'proposal', ''],
    ['需求分析', 'needs', ''],
    ['谈判', 'negotiation', ''],
    ['初步接触', 'initial', ''],
    ['赢单 老客户复购', 'won', '老客户复购'],
    ['输单价格高于竞争对手', 'lost', '价格高于竞争对手'],
    ['输单 价格高于竞争对手', 'lost', '价格高于竞争对手'],
    ['丢单：交期不满足', 'lost', '交期不满足'],
    ['Negotiation', 'negotiation', ''],
    ['lost price too high', 'lost', 'price too high'],
    ['won', 'won', ''],
  ] as const)('%s → %s', (text, stage, rest) => {
    expect(readStage(text)).toEqual({ stage, rest });
  });

  it.each(['', '签合同', 'winner', 'lose-lose', '方'])('"%s" names no stage', (text) => {
    expect(readStage(text)).toBeNull();
  });
});

describe('which moves are allowed', () => {
  const open: Stage[] = ['initial', 'needs', 'proposal', 'negotiation'];
  it('an open opportunity moves to any other open stage, forward, skipping or back', () => {
    for (const from of open) for (const to of open) if (from !== to) expect(checkStageMove(from, to, null)).toEqual({ ok: true });
  });
  it('it may be won from any open stage, with or without a reason', () => {
    for (const from of open) {
      expect(checkStageMove(from, 'won', null).ok).toBe(true);
      expect(checkStageMove(from, 'won', '价格有竞争力').ok).toBe(true);
    }
  });
  it('losing needs a reason', () => {
    expect(checkStageMove('negotiation', 'lost', null)).toMatchObject({ ok: false, code: 'reason_required' });
    expect(checkStageMove('negotiation', 'lost', '  ')).toMatchObject({ ok: false, code: 'reason_required' });
    expect(checkStageMove('negotiation', 'lost', '价格高')).toEqual({ ok: true });
  });
  it('won and lost are final', () => {
    for (const from of ['won', 'lost'] as Stage[])
      for (const to of [...open, 'won', 'lost'] as Stage[])
        expect(checkStageMove(from, to, 'x')).toMatchObject({ ok: false, code: 'closed' });
  });
  it('the same stage is not a move', () => {
    expect(checkStageMove('needs', 'needs', null)).toMatchObject({ ok: false, code: 'same', error: { zh: '商机已在“需求分析”阶段' } });
  });
});

describe('the path with the current stage marked', () => {
  it.each([
    ['needs', 'zh', '初步接触 → 【需求分析】 → 方案报价 → 商务谈判 → 赢单/输单'],
    ['lost', 'zh', '初步接触 → 需求分析 → 方案报价 → 商务谈判 → 【输单】'],
    ['initial', 'en', '【Initial contact】 → Needs analysis → Proposal → Negotiation → Won/Lost'],
  ] as const)('%s (%s)', (stage, locale, path) => {
    expect(stagePath(stage, locale)).toBe(path);
  });
});
