import type { AppConfig } from './schema';

/** Sensible defaults for a small trading company; every key can be overridden by file or env. */
export const defaults: AppConfig = {
  app: { port: 3000, host: '127.0.0.1', consoleSignIn: 'auto', timezone: 'Asia/Shanghai', logLevel: 'info', dataDir: './data' },
  database: { url: '', logSql: false },
  temporal: { address: '', namespace: 'default', taskQueue: 'q2c', embeddedPort: 7233 },
  approval: {
    rules: [
      // amount ≥ 10,000 元 or discount > 5 % → sales manager
      { approverRole: 'sales_manager', rank: 1, amountAtLeastFen: 1_000_000, discountAboveBp: 500 },
      // amount ≥ 100,000 元 or discount > 10 % → also sales director
      { approverRole: 'sales_director', rank: 2, amountAtLeastFen: 10_000_000, discountAboveBp: 1_000 },
      // estimated margin < 15 % → also finance
      { approverRole: 'finance', rank: 3, marginBelowBp: 1_500 },
    ],
  },
  pricing: {
    gradeDiscountBp: { VIP: 500, A: 300, B: 100, C: 0 },
    maxManualDiscountBp: 3_000,
    quoteValidityDays: 15,
  },
  vat: { ratesBp: [1_300, 900, 600, 0], defaultRateBp: 1_300 },
  leads: { assignment: 'round_robin', defaultTeam: '', assigneeRoles: ['rep'] },
  reminders: {
    idleLeadDays: 7,
    approvalReminderHours: 4,
    approvalEscalationHours: 24,
    contractExpiryDays: 30,
    dunningLadder: [
      { daysOverdue: 1, notify: ['rep'] },
      { daysOverdue: 7, notify: ['rep', 'finance'] },
      { daysOverdue: 15, notify: ['sales_manager'] },
      { daysOverdue: 30, notify: ['sales_director'] },
    ],
    dailyDigestHour: 9,
  },
  aging: {
    buckets: [
      { label: '0-30', fromDays: 0, toDays: 30 },
      { label: '31-60', fromDays: 31, toDays: 60 },
      { label: '61-90', fromDays: 61, toDays: 90 },
      { label: '90+', fromDays: 91, toDays: null },
    ],
  },
  // What each platform tolerates before it refuses or silently drops messages (ARCHITECTURE.md,
  // shared/reference/im-platforms.md): Lark 5/s per user and per chat, updates 50/s per app and
  // 5/s per message; WeCom 30/min per member; DingTalk a daily budget per user; WeChat below.
  sendLimits: {
    lark: {
      perRecipientPerSecond: 5,
      perRecipientPerMinute: null,
      perRecipientPerDay: null,
      perChatPerSecond: 5,
      perAppPerSecond: null,
      updatesPerAppPerSecond: 50,
      updatesPerMessagePerSecond: 5,
    },
    dingtalk: {
      perRecipientPerSecond: null,
      perRecipientPerMinute: 20,
      perRecipientPerDay: 500,
      perChatPerSecond: null,
      perAppPerSecond: 20,
      updatesPerAppPerSecond: 20,
      updatesPerMessagePerSecond: null,
    },
    wecom: {
      perRecipientPerSecond: null,
      perRecipientPerMinute: 30,
      perRecipientPerDay: null,
      perChatPerSecond: null,
      perAppPerSecond: 20,
      updatesPerAppPerSecond: 20,
      updatesPerMessagePerSecond: null,
    },
    // Personal WeChat has no published limits, and accounts that send in bursts get restricted
    // or banned (wechaty issues; README "WeChat"): one message a second at most, a sustained
    // 20 a minute and 600 a day for the whole account, 6 a minute and 100 a day to one person,
    // one a second to a group. Reminders are digests, so a busy day fits.
    wechaty: {
      perRecipientPerSecond: 1,
      perRecipientPerMinute: 6,
      perRecipientPerDay: 100,
      perChatPerSecond: 1,
      perAppPerSecond: 1,
      perAppPerMinute: 20,
      perAppPerDay: 600,
      updatesPerAppPerSecond: null,
      updatesPerMessagePerSecond: null,
      updatesAsMessages: true,
    },
  },
  delivery: {
    maxAttempts: 8,
    backoffBaseMs: 1_000,
    backoffMaxMs: 300_000,
    concurrency: 32,
    pollMs: 1_000,
    windowMarginMs: 100,
    maxAgeHours: 24,
  },
  lark: { appId: '', appSecret: '', encryptKey: '', verificationToken: '', domain: 'https://open.feishu.cn', mode: 'ws' },
  wecom: { corpId: '', agentId: '', secret: '', token: '', aesKey: '', apiBase: 'https://qyapi.weixin.qq.com' },
  wechaty: { puppet: '', puppetToken: '', serviceEndpoint: '', serviceNoTls: false, name: 'q2c-wechat' },
  dingtalk: {
    clientId: '',
    clientSecret: '',
    robotCode: '',
    cardTemplateId: '',
    mode: 'stream',
    apiBase: 'https://api.dingtalk.com',
    oapiBase: 'https://oapi.dingtalk.com',
    cardCallbackUrl: '',
  },
};
