// Writes .env.example from the config defaults, so the file lists every variable there is.
// Run: npx tsx scripts/env-example.ts   (tests/config checks the file is complete)
import { writeFileSync } from 'node:fs';
import { defaults, ENV_ALIASES } from '../config';

const HELP: Record<string, string> = {
  'app.port': 'HTTP port of the web console and API',
  'app.host':
    'address the HTTP server binds: 127.0.0.1 = this machine only (the console then trusts its user picker); 0.0.0.0 or any other address = reachable from the network, every console request must sign in (npm run set-password -- <login>)',
  'app.consoleSignIn':
    'auto = sign-in required unless bound to loopback; always = required on loopback too (a reverse proxy on the same host)',
  'app.timezone': 'business time zone: due dates, aging and reminders count calendar days here',
  'app.logLevel': 'debug | info | warn | error',
  'app.dataDir': 'where the embedded default keeps its files (SQLite databases)',
  'database.url': 'empty = SQLite file in DATA_DIR; or sqlite:<file>; or postgres://user:pass@host:5432/db',
  'database.logSql': 'print every SQL statement (true/false)',
  'temporal.address': 'host:port of a real Temporal cluster; empty = the embedded Temporal-protocol server',
  'temporal.namespace': 'Temporal namespace',
  'temporal.taskQueue': 'task queue the worker polls',
  'temporal.embeddedPort': 'port of the embedded Temporal server (0 = any free port)',
  'approval.rules':
    'approval policy, JSON array; each rule adds one approver step when ANY condition holds (amount in fen incl. VAT, manual discount and margin in basis points)',
  'pricing.gradeDiscountBp': 'standing discount per customer grade, basis points (100 = 1%)',
  'pricing.maxManualDiscountBp': 'a manual discount above this is refused outright',
  'pricing.quoteValidityDays': 'days a quote stays valid',
  'vat.ratesBp': 'allowed VAT rates, basis points',
  'vat.defaultRateBp': 'VAT rate of a new product',
  'leads.assignment':
    'round_robin = each new lead (chat, any source) goes to the next person of its team in turn, and they are told; creator = whoever enters it keeps it',
  'leads.defaultTeam': 'team (by name) of leads entered by someone in no team (a director, an admin); empty = the first team',
  'leads.assigneeRoles': 'roles that take new leads in turn, JSON array, e.g. ["rep"]',
  'reminders.idleLeadDays': 'a lead in 意向/意向强烈 with no follow-up for this many days is reported',
  'reminders.approvalReminderHours': 'remind an approver after this many hours',
  'reminders.approvalEscalationHours': 'escalate an approval after this many hours',
  'reminders.contractExpiryDays': 'remind the owner this many days before a contract ends',
  'reminders.dunningLadder': 'dunning ladder: days overdue → who is told',
  'reminders.dailyDigestHour': 'hour of the daily digest to finance (0-23, business time zone)',
  'aging.buckets': 'receivable aging buckets by days overdue, contiguous from 0, the last open-ended',
  'sendLimits.lark':
    'Lark send limits: messages per recipient (second/minute/day) and per group chat per second, per app per second, card updates per app and per message per second; null = no such limit',
  'sendLimits.dingtalk': 'DingTalk send limits',
  'sendLimits.wecom': 'WeCom send limits',
  'sendLimits.wechaty': 'WeChat (wechaty) send limits',
  'delivery.maxAttempts':
    'failed sends (network errors, 5xx) before a message is dead-lettered and the admin told; rate-limit answers do not count',
  'delivery.backoffBaseMs': 'first retry delay in ms; doubles each attempt, with jitter',
  'delivery.backoffMaxMs': 'longest retry delay in ms',
  'delivery.concurrency': 'sends in flight at once across recipients',
  'delivery.pollMs': 'how often the outbox is read for messages written by another process (ms)',
  'delivery.windowMarginMs': 'added to every send-limit window (ms), so latency never pushes a platform over its limit',
  'delivery.maxAgeHours': 'a message not handed to a channel within this many hours is not sent there any more',
  'lark.appId': 'Lark/Feishu app id (cli_…); empty = no Lark channel',
  'lark.appSecret': 'Lark/Feishu app secret',
  'lark.encryptKey': 'event encrypt key (开发者后台 → 事件与回调 → 加密策略); required in webhook mode',
  'lark.verificationToken': 'verification token of the same page; checked on every callback when set',
  'lark.domain': 'https://open.feishu.cn (Feishu), https://open.larksuite.com (Lark), or a base URL (tests)',
  'lark.mode': 'ws = long connection (no public address needed); webhook = POST /channels/lark/events',
  'wecom.corpId': 'WeCom (企业微信) CorpID (我的企业 → 企业信息); empty = no WeCom channel',
  'wecom.agentId': 'AgentId of the self-built app (应用管理 → 自建应用)',
  'wecom.secret': 'Secret of the same app',
  'wecom.token': "Token of the app's API receiving settings (接收消息 → 设置API接收); callback: GET/POST /channels/wecom/callback",
  'wecom.aesKey': 'EncodingAESKey (43 characters) of the same page',
  'wecom.apiBase': 'https://qyapi.weixin.qq.com, or a base URL (tests)',
  'wechaty.puppet':
    'WeChat (personal account) through wechaty: the puppet package, wechaty-puppet-service for a token service; wechaty-puppet-mock = an offline demo; empty = no WeChat channel',
  'wechaty.puppetToken': 'the puppet token (wechaty-puppet-service: the token your puppet service provider gave you)',
  'wechaty.serviceEndpoint':
    'wechaty-puppet-service: host:port of the service; empty = looked up from the token by the wechaty discovery service (internet)',
  'wechaty.serviceNoTls': 'wechaty-puppet-service: plain gRPC without TLS (a service on this machine or behind a tunnel) (true/false)',
  'wechaty.name': "the bot's name in wechaty's logs",
  'dingtalk.clientId': 'DingTalk app Client ID (AppKey) of the enterprise internal app; empty = no DingTalk channel',
  'dingtalk.clientSecret': 'DingTalk app Client Secret (AppSecret); also the key of the HTTP callback signature',
  'dingtalk.robotCode': 'the robot code of the app (for internal apps the same as the Client ID; empty = Client ID)',
  'dingtalk.cardTemplateId': 'interactive card template id from the card builder (xxxx.schema); empty = cards sent as markdown',
  'dingtalk.mode': 'stream = Stream mode long connection (no public address needed); http = POST /channels/dingtalk/events',
  'dingtalk.apiBase': 'https://api.dingtalk.com (also serves the Stream gateway endpoint), or a base URL (tests)',
  'dingtalk.oapiBase': 'https://oapi.dingtalk.com (user directory), or a base URL (tests)',
  'dingtalk.cardCallbackUrl':
    'http mode with a card template: the public URL of POST /channels/dingtalk/card-callback; registered with DingTalk at start as where card clicks go',
};

const aliasOf = Object.fromEntries(Object.entries(ENV_ALIASES).map(([env, path]) => [path, env]));
const toEnv = (p: string) =>
  `Q2C_${p
    .split('.')
    .map((s) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase())
    .join('__')}`;

const out: string[] = [
  '# Every setting, with its default. Uncomment a line to change it.',
  '# Order of precedence: defaults < JSON file ($CONFIG_FILE, else config/local.json) < these variables.',
  '# Deployment settings have short names; every business setting is Q2C_<SECTION>__<KEY>.',
  '',
  '# a JSON file with any part of the configuration',
  '# CONFIG_FILE=config/local.json',
];
for (const [section, values] of Object.entries(defaults)) {
  out.push('', `# ── ${section}`);
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    const path = `${section}.${key}`;
    const help = HELP[path];
    if (!help) throw new Error(`no help text for ${path}`);
    out.push(`# ${help}`, `# ${aliasOf[path] ?? toEnv(path)}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
}
writeFileSync('.env.example', `${out.join('\n')}\n`);
console.log('wrote .env.example');
