import type { Bilingual } from './errors';
import { OPPORTUNITY_STAGE } from './statuses';

/**
 * The stages of an opportunity (C4): 初步接触 → 需求分析 → 方案报价 → 商务谈判, then 赢单 or
 * 输单. An open opportunity may move to any other stage — forward, skipping steps, or back when
 * the customer reopens the requirement — and may be won or lost from any of them; losing
 * needs a reason (the funnel reports count them). Won and lost are final: a customer who comes
 * back is a new opportunity, so the history of the old one stays true.
 */

export type Stage = (typeof OPPORTUNITY_STAGE.values)[number];

export const OPEN_STAGES: readonly Stage[] = ['initial', 'needs', 'proposal', 'negotiation'];

export const isClosedStage = (s: Stage) => s === 'won' || s === 'lost';

/** The words people use for each stage, Chinese and English; the labels themselves included. */
const WORDS: Record<Stage, string[]> = {
  initial: ['初步接触', '初次接触', '初步', '接触', 'initial', 'contact', 'initial contact'],
  needs: ['需求分析', '需求确认', '需求', 'needs', 'needs analysis', 'analysis', 'discovery'],
  proposal: ['方案报价', '方案', '报价', 'proposal', 'quote', 'quotation'],
  negotiation: ['商务谈判', '谈判', '议价', 'negotiation', 'negotiate'],
  won: ['赢单', '赢', '成交', '签单', '中标', 'won', 'win'],
  lost: ['输单', '输', '丢单', '失败', '未成交', 'lost', 'lose', 'loss'],
};

/** Stage words, longest first, so that a reason typed straight after one (输单价格高) splits right. */
const BY_LENGTH = (Object.entries(WORDS) as [Stage, string[]][])
  .flatMap(([stage, words]) => words.map((w) => ({ w: w.toLowerCase(), stage })))
  .sort((a, b) => b.w.length - a.w.length);

/** The stage a text starts with, and what follows it; null when it names none. */
export function readStage(text: string): { stage: Stage; rest: string } | null {
  const lower = text.trim().toLowerCase();
  for (const { w, stage } of BY_LENGTH) {
    if (!lower.startsWith(w)) continue;
    const rest = text.trim().slice(w.length);
    // an English word must end where the word ends: "winner" is not "win"
    if (/^[a-z]/.test(w) && rest && !/^[\s:,]/.test(rest)) continue;
    return { stage, rest: rest.replace(/^[\s:,：，]+/, '') };
  }
  return null;
}

export type StageMove = { ok: true } | { ok: false; code: 'closed' | 'same' | 'reason_required'; error: Bilingual };

/** Whether an opportunity at `from` may move to `to` with this reason. */
export function checkStageMove(from: Stage, to: Stage, reason: string | null): StageMove {
  const label = OPPORTUNITY_STAGE.labels;
  if (isClosedStage(from))
    return {
      ok: false,
      code: 'closed',
      error: {
        zh: `商机已${label[from].zh}，不能再推进；客户再有需求请新建商机`,
        en: `the opportunity is ${label[from].en.toLowerCase()} already; a new need is a new opportunity`,
      },
    };
  if (from === to)
    return { ok: false, code: 'same', error: { zh: `商机已在“${label[to].zh}”阶段`, en: `the opportunity is at ${label[to].en} already` } };
  if (to === 'lost' && !reason?.trim())
    return {
      ok: false,
      code: 'reason_required',
      error: { zh: '输单请写明原因，例如 输单 价格高于竞争对手', en: 'a lost opportunity needs a reason, e.g. lost price too high' },
    };
  return { ok: true };
}

/** 初步接触 → 【需求分析】 → 方案报价 → 商务谈判 → 赢单/输单, the current stage marked. */
export function stagePath(current: Stage, locale: 'zh' | 'en'): string {
  const name = (s: Stage) => (locale === 'en' ? OPPORTUNITY_STAGE.labels[s].en : OPPORTUNITY_STAGE.labels[s].zh);
  const mark = (s: Stage) => (s === current ? `【${name(s)}】` : name(s));
  const end = isClosedStage(current) ? mark(current) : `${name('won')}/${name('lost')}`;
  return [...OPEN_STAGES.map(mark), end].join(' → ');
}
