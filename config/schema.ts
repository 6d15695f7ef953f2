import { z } from 'zod';

/**
 * The one shape of the configuration. Money is integer fen, percentages are basis points
 * (1% = 100 bp) so that comparisons never touch floats.
 */

const fen = z.number().int().nonnegative();
const bp = z.number().int().min(0).max(10_000);
const positiveInt = z.number().int().positive();

export const ROLES = ['rep', 'sales_manager', 'sales_director', 'finance', 'warehouse', 'purchasing', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const APPROVER_ROLES = ['sales_manager', 'sales_director', 'finance'] as const;
export type ApproverRole = (typeof APPROVER_ROLES)[number];

/** A rule fires when ANY of its conditions holds; each rule adds one approver step. */
export const approvalRuleSchema = z
  .object({
    approverRole: z.enum(APPROVER_ROLES),
    /** order of the step in the chain; lower goes first */
    rank: z.number().int(),
    amountAtLeastFen: fen.optional(),
    discountAboveBp: bp.optional(),
    marginBelowBp: z.number().int().min(-100_000).max(10_000).optional(),
  })
  .strict()
  .refine((r) => r.amountAtLeastFen !== undefined || r.discountAboveBp !== undefined || r.marginBelowBp !== undefined, {
    message: 'expected at least one of amountAtLeastFen, discountAboveBp, marginBelowBp',
  });
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;

export const dunningStepSchema = z
  .object({
    daysOverdue: z.number().int().min(0),
    notify: z.array(z.enum(['rep', 'finance', 'sales_manager', 'sales_director'])).min(1),
  })
  .strict();
export type DunningStep = z.infer<typeof dunningStepSchema>;

export const agingBucketSchema = z
  .object({ label: z.string().min(1), fromDays: z.number().int().min(0), toDays: z.number().int().min(0).nullable() })
  .strict();
export type AgingBucket = z.infer<typeof agingBucketSchema>;

/**
 * What one platform tolerates, each null when it sets no such limit. Messages count against
 * their recipient (a one-to-one chat) or their group chat, and all of them against the app;
 * in-place card updates count against the app's updates and the one message they change.
 */
const perLimit = positiveInt.nullable();
const sendLimitSchema = z
  .object({
    perRecipientPerSecond: perLimit,
    perRecipientPerMinute: perLimit,
    perRecipientPerDay: perLimit,
    perChatPerSecond: perLimit,
    perAppPerSecond: perLimit,
    /** app-wide windows longer than a second (personal WeChat: a sustained pace, a daily budget); absent = none */
    perAppPerMinute: perLimit.optional(),
    perAppPerDay: perLimit.optional(),
    updatesPerAppPerSecond: perLimit,
    updatesPerMessagePerSecond: perLimit,
    /** the platform cannot change a sent message (WeChat): an update goes as a new message and counts as one */
    updatesAsMessages: z.boolean().optional(),
  })
  .strict();
export type SendLimit = z.infer<typeof sendLimitSchema>;

export const GRADES = ['VIP', 'A', 'B', 'C'] as const;
export type Grade = (typeof GRADES)[number];

export const configSchema = z
  .object({
    app: z
      .object({
        // 0 = any free port (tests)
        port: z.number().int().min(0).max(65_535),
        /** the address the HTTP server binds; anything but loopback makes the console require sign-in */
        host: z.string().regex(/^[\w.:-]+$/, 'expected a host name or an IP address such as 127.0.0.1 or 0.0.0.0'),
        /** auto: sign-in on any non-loopback bind; always: also on loopback (behind a reverse proxy on the same host) */
        consoleSignIn: z.enum(['auto', 'always']),
        timezone: z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as Asia/Shanghai' }),
        logLevel: z.enum(['debug', 'info', 'warn', 'error']),
        dataDir: z.string().min(1),
      })
      .strict(),
    database: z
      .object({
        /** sqlite:<file> or postgres://… ; empty means sqlite in dataDir */
        url: z
          .string()
          .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'expected sqlite:<file> or postgres://…')
          .or(z.literal('')),
        logSql: z.boolean(),
      })
      .strict(),
    temporal: z
      .object({
        /** host:port of a real cluster; empty means the embedded server */
        address: z.string().regex(/^$|^[\w.-]+:\d+$/, 'expected host:port or empty'),
        namespace: z.string().min(1),
        taskQueue: z.string().min(1),
        embeddedPort: z.number().int().min(0).max(65_535),
      })
      .strict(),
    approval: z.object({ rules: z.array(approvalRuleSchema).min(1) }).strict(),
    pricing: z
      .object({
        gradeDiscountBp: z.record(z.enum(GRADES), bp),
        /** discounts above this are refused outright, whatever the approvers say */
        maxManualDiscountBp: bp,
        quoteValidityDays: positiveInt,
      })
      .strict(),
    vat: z
      .object({
        ratesBp: z.array(bp).min(1),
        defaultRateBp: bp,
      })
      .strict()
      .refine((v) => v.ratesBp.includes(v.defaultRateBp), { message: 'expected defaultRateBp to be one of ratesBp' }),
    leads: z
      .object({
        /** round_robin: each new lead goes to the next of the team's people in turn; creator: whoever enters it keeps it */
        assignment: z.enum(['round_robin', 'creator']),
        /** the team (by name) of leads entered by someone in no team; empty = the first team */
        defaultTeam: z.string(),
        /** the roles that take leads in turn */
        assigneeRoles: z.array(z.enum(ROLES)).min(1),
      })
      .strict(),
    reminders: z
      .object({
        idleLeadDays: positiveInt,
        approvalReminderHours: positiveInt,
        approvalEscalationHours: positiveInt,
        contractExpiryDays: positiveInt,
        dunningLadder: z.array(dunningStepSchema).min(1),
        dailyDigestHour: z.number().int().min(0).max(23),
      })
      .strict(),
    aging: z
      .object({ buckets: z.array(agingBucketSchema).min(1) })
      .strict()
      .superRefine(checkBuckets),
    sendLimits: z.object({ lark: sendLimitSchema, dingtalk: sendLimitSchema, wecom: sendLimitSchema, wechaty: sendLimitSchema }).strict(),
    delivery: z
      .object({
        /** failed sends (network, 5xx) before a delivery is dead-lettered; rate-limit answers do not count */
        maxAttempts: positiveInt,
        backoffBaseMs: positiveInt,
        backoffMaxMs: positiveInt,
        /** sends in flight at once, across recipients (one recipient's messages go one at a time, in order) */
        concurrency: positiveInt,
        /** how often the outbox is read for rows written by another process */
        pollMs: positiveInt,
        /** added to every limit's window, so clock skew and latency never push the platform over */
        windowMarginMs: z.number().int().min(0),
        /** a message not handed to a channel within this many hours is not sent there any more (channel added later, long outage) */
        maxAgeHours: positiveInt,
      })
      .strict(),
    lark: z
      .object({
        appId: z.string().regex(/^$|^cli_\w+$/, 'expected the app id from the developer console (cli_…) or empty'),
        appSecret: z.string(),
        encryptKey: z.string(),
        verificationToken: z.string(),
        domain: z.string().url('expected https://open.feishu.cn, https://open.larksuite.com or a base URL'),
        mode: z.enum(['ws', 'webhook']),
      })
      .strict()
      .refine((l) => !l.appId || l.appSecret, { message: 'expected LARK_APP_SECRET with LARK_APP_ID', path: ['appSecret'] })
      .refine((l) => !l.appId || l.mode !== 'webhook' || l.encryptKey, {
        message: 'expected LARK_ENCRYPT_KEY in webhook mode: without it no request can be verified',
        path: ['encryptKey'],
      }),
    wecom: z
      .object({
        corpId: z.string(),
        agentId: z.string().regex(/^$|^\d+$/, 'expected the numeric AgentId of the self-built app or empty'),
        secret: z.string(),
        token: z.string(),
        aesKey: z.string().regex(/^$|^[A-Za-z0-9]{43}$/, 'expected the 43-character EncodingAESKey or empty'),
        apiBase: z.string().url('expected https://qyapi.weixin.qq.com or a base URL'),
      })
      .strict()
      .refine((w) => !w.corpId || (w.agentId && w.secret && w.token && w.aesKey), {
        message: 'expected WECOM_AGENT_ID, WECOM_SECRET, WECOM_TOKEN and WECOM_AES_KEY with WECOM_CORP_ID',
        path: ['corpId'],
      }),
    wechaty: z
      .object({
        /** the puppet package: wechaty-puppet-service (a token service), wechaty-puppet-mock (demo, tests), …; empty = no WeChat channel */
        puppet: z.string().regex(/^$|^(@[\w.-]+\/)?[\w.-]+$/, 'expected a puppet package name such as wechaty-puppet-service, or empty'),
        puppetToken: z.string(),
        /** wechaty-puppet-service: host:port of the puppet service; empty = found from the token by the wechaty discovery service */
        serviceEndpoint: z.string().regex(/^$|^[\w.-]+:\d+$/, 'expected host:port or empty'),
        /** wechaty-puppet-service: plain gRPC without TLS (a service on this machine or behind a tunnel) */
        serviceNoTls: z.boolean(),
        /** the bot's name in wechaty's logs */
        name: z.string().min(1),
      })
      .strict()
      .refine((w) => w.puppet !== 'wechaty-puppet-service' || w.puppetToken, {
        message: 'expected WECHATY_PUPPET_TOKEN with WECHATY_PUPPET=wechaty-puppet-service',
        path: ['puppetToken'],
      }),
    dingtalk: z
      .object({
        clientId: z.string(),
        clientSecret: z.string(),
        robotCode: z.string(),
        cardTemplateId: z.string(),
        mode: z.enum(['stream', 'http']),
        apiBase: z.string().url('expected https://api.dingtalk.com or a base URL'),
        oapiBase: z.string().url('expected https://oapi.dingtalk.com or a base URL'),
        /** http mode: the public URL of POST /channels/dingtalk/card-callback, registered with DingTalk for card clicks */
        cardCallbackUrl: z.string().url('expected https://<your host>/channels/dingtalk/card-callback').or(z.literal('')),
      })
      .strict()
      .refine((d) => !d.clientId || d.clientSecret, {
        message: 'expected DINGTALK_CLIENT_SECRET with DINGTALK_CLIENT_ID',
        path: ['clientSecret'],
      })
      .refine((d) => !d.clientId || d.mode !== 'http' || !d.cardTemplateId || d.cardCallbackUrl, {
        message: 'expected DINGTALK_CARD_CALLBACK_URL in http mode with a card template: DingTalk sends card clicks there',
        path: ['cardCallbackUrl'],
      }),
  })
  .strict();

export type AppConfig = z.infer<typeof configSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Buckets must start at 0, be contiguous, and only the last may be open-ended. */
function checkBuckets(aging: { buckets: AgingBucket[] }, ctx: z.RefinementCtx): void {
  let expectFrom = 0;
  aging.buckets.forEach((b, i) => {
    const last = i === aging.buckets.length - 1;
    if (b.fromDays !== expectFrom) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['buckets', i, 'fromDays'],
        message: `expected ${expectFrom} (buckets must be contiguous from 0)`,
      });
    }
    if (b.toDays === null && !last) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['buckets', i, 'toDays'],
        message: 'expected only the last bucket to be open-ended',
      });
    }
    if (b.toDays !== null && b.toDays < b.fromDays) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['buckets', i, 'toDays'], message: `expected ≥ fromDays (${b.fromDays})` });
    }
    expectFrom = (b.toDays ?? 0) + 1;
  });
}
