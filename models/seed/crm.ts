import { PREFIX, type SeedContext, yearNumber } from './context';
import type { CustomerInfo } from './customers';
import { CITIES, companyName, mobileNumber, personName } from './names';
import type { Org, Rep } from './organisation';
import type { Rng } from './random';

/** Leads with their follow-up records, opportunities in every stage, customer follow-ups. */

type LeadStatus = 'new' | 'interested' | 'strong' | 'invalid' | 'converted';
type Stage = 'initial' | 'needs' | 'proposal' | 'negotiation' | 'won' | 'lost';

const TOPICS = ['紧固件', '轴承', '电气元件', '气动元件', '五金工具', '传动件', '劳保用品', '密封件'];
const METHODS = ['phone', 'wechat', 'visit', 'email'] as const;

const NOTES: Record<LeadStatus, readonly string[]> = {
  new: ['初次电话联系，客户让先发资料'],
  interested: [
    '电话沟通，客户对{t}有采购需求，约下周寄样',
    '微信发送产品目录和报价单，客户在比价',
    '客户询问{t}的交期和阶梯价，已回复',
    '展会上交换名片，客户对{t}感兴趣，已加微信',
  ],
  strong: [
    '上门拜访，客户产线改造，需要{t}，预算约{n}万元',
    '客户已确认样品合格，准备走采购流程',
    '客户要求月结{d}天，需要内部评估',
    '客户反馈价格略高，申请特价中',
  ],
  invalid: ['客户暂无需求，半年后再联系', '电话多次无人接听，号码疑似停用', '同行询价，非真实需求'],
  converted: ['客户确认下单意向，已建客户档案', '签订年度框架协议，转为正式客户'],
};

const OPPORTUNITY_NAMES = ['年度{t}框架采购', '产线改造{t}采购', '{t}集中采购', '新厂房{t}配套', '设备维保{t}备件', '{t}国产替代项目'];
const WON_REASONS = ['价格有竞争力，交期满足', '老客户复购，服务响应快', '样品测试通过，品牌认可'];
const LOST_REASONS = ['价格高于竞争对手', '交期不满足客户要求', '客户项目暂停', '客户选择了原厂直供'];

function note(rng: Rng, status: LeadStatus): string {
  return rng
    .pick(NOTES[status])
    .replace('{t}', rng.pick(TOPICS))
    .replace('{n}', String(rng.int(3, 60)))
    .replace('{d}', String(rng.pick([45, 60])));
}

export function seedCrm(ctx: SeedContext, org: Org, customers: CustomerInfo[]): void {
  const rng = ctx.rng.fork('crm');
  const random = customers.filter((c) => !c.fixed);
  // Customers that "came from" leads: the converted leads point at them.
  const convertedTargets = rng.sample(random, 18);
  let converted = 0;

  for (let i = 0; i < 120; i++) {
    // the first two are fixed demo cases: 张伟's strong and interested leads, idle past the 7-day rule
    const status: LeadStatus =
      i === 0
        ? 'strong'
        : i === 1
          ? 'interested'
          : rng.weighted<LeadStatus>([
              ['new', 25],
              ['interested', 30],
              ['strong', 15],
              ['invalid', 15],
              ['converted', 15],
            ]);
    const rep: Rep | null =
      i < 2 ? (org.reps.find((r) => r.login === 'zhangwei') ?? null) : status === 'new' && rng.chance(0.3) ? null : rng.pick(org.reps);
    const target = status === 'converted' ? convertedTargets[converted++ % convertedTargets.length] : undefined;
    const city = rng.pick(CITIES);
    const company = target?.name ?? companyName(rng, city).name;
    const created = -rng.int(status === 'new' ? 1 : 10, 200);
    const idle =
      status === 'interested' || status === 'strong' ? (i < 2 ? [9, 12][i] : rng.chance(0.4) ? rng.int(8, 40) : rng.int(0, 6)) : undefined;
    const count = status === 'new' ? (rng.chance(0.3) ? 1 : 0) : rng.int(1, 4);
    const person = personName(rng);
    const leadId = ctx.plan.add('Lead', {
      number: yearNumber(ctx, PREFIX.lead, created),
      companyName: company,
      contactName: person.name,
      mobile: mobileNumber(rng),
      source: rng.weighted([
        ['website', 25],
        ['expo', 20],
        ['phone', 20],
        ['referral', 20],
        ['manual', 15],
      ] as const),
      status,
      ownerUserId: rep?.id ?? null,
      teamId: rep?.teamId ?? (city.region === '华南' ? org.teamId.华南 : org.teamId.华东),
      lastFollowUpAt: null,
      nextFollowUpAt: null,
      note: null,
      convertedCustomerId: target?.id ?? null,
      convertedOpportunityId: null,
      createdAt: ctx.cal.at(created, 9, rng.int(0, 59)),
    });
    const lead = ctx.plan.get('Lead', leadId);
    // follow-ups spread from creation to the last one, oldest first
    const last = idle !== undefined ? -idle : Math.min(0, created + rng.int(1, 30));
    for (let k = 0; k < count && rep; k++) {
      const day = count === 1 ? last : Math.round(created + ((last - created) * (k + 1)) / count);
      const at = ctx.cal.at(Math.max(day, created), rng.int(9, 17), rng.int(0, 59));
      const followUp = ctx.plan.add('FollowUp', {
        leadId,
        customerId: null,
        userId: rep.id,
        method: rng.pick(METHODS),
        content: note(rng, k === count - 1 ? status : status === 'converted' ? 'strong' : status === 'invalid' ? 'interested' : status),
        followedAt: at,
        nextFollowUpAt: status === 'interested' || status === 'strong' ? ctx.cal.at(Math.max(day, created) + rng.int(3, 7), 10) : null,
        createdAt: at,
      });
      lead.lastFollowUpAt = at;
      lead.nextFollowUpAt = ctx.plan.get('FollowUp', followUp).nextFollowUpAt;
    }
    if (target) {
      const oppId = addOpportunity(ctx, rng, target, rng.pick(['won', 'negotiation', 'proposal'] as const), leadId);
      lead.convertedOpportunityId = oppId;
    }
  }

  // Opportunities in every stage; 华东机电 has one won and one open so its 360 view is full.
  const huadong = customers.find((c) => c.fixed === 'huadong');
  if (huadong) {
    addOpportunity(ctx, rng, huadong, 'won', null);
    addOpportunity(ctx, rng, huadong, 'proposal', null);
  }
  const stages: Stage[] = ['initial', 'needs', 'proposal', 'negotiation', 'won', 'lost'];
  for (let i = 0; i < 42; i++) addOpportunity(ctx, rng, rng.pick(random), stages[i % stages.length] as Stage, null);

  // Customer follow-ups: the owners' visits and calls to existing customers.
  for (let i = 0; i < 60; i++) {
    const c = rng.pick(customers);
    const day = -rng.int(0, 120);
    const at = ctx.cal.at(day, rng.int(9, 17), rng.int(0, 59));
    ctx.plan.add('FollowUp', {
      leadId: null,
      customerId: c.id,
      userId: c.ownerId,
      method: rng.pick(METHODS),
      content: rng.pick([
        '季度回访，客户对交期满意',
        '客户反馈新项目需求，约下周报价',
        '催收到期货款，客户承诺月底付款',
        '拜访采购经理，沟通年度框架价格',
      ]),
      followedAt: at,
      nextFollowUpAt: null,
      createdAt: at,
    });
  }
}

function addOpportunity(ctx: SeedContext, rng: Rng, c: CustomerInfo, stage: Stage, leadId: number | null): number {
  const closed = stage === 'won' || stage === 'lost';
  const close = closed ? -rng.int(10, 200) : rng.int(5, 90);
  const created = closed ? close - rng.int(15, 90) : -rng.int(5, 120);
  return ctx.plan.add('Opportunity', {
    number: yearNumber(ctx, PREFIX.opportunity, created),
    customerId: c.id,
    leadId,
    name: rng.pick(OPPORTUNITY_NAMES).replace('{t}', rng.pick(TOPICS)),
    stage,
    amountFen: rng.int(20, 800) * 100_000,
    expectedCloseDate: ctx.cal.day(close),
    ownerUserId: c.ownerId,
    winLossReason: stage === 'won' ? rng.pick(WON_REASONS) : stage === 'lost' ? rng.pick(LOST_REASONS) : null,
    createdAt: ctx.cal.at(created, 14),
  });
}
