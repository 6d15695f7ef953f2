import { existsSync, readFileSync } from 'node:fs';
import { defaults } from './defaults';

/** Where a value came from, so a bad value can be reported against the thing the user typed. */
export type Origin = Map<string, string>;

/** Well-known deployment variables; every other key is reachable as Q2C_SECTION__KEY_NAME. */
export const ENV_ALIASES: Record<string, string> = {
  PORT: 'app.port',
  HOST: 'app.host',
  CONSOLE_SIGN_IN: 'app.consoleSignIn',
  APP_TIMEZONE: 'app.timezone',
  LOG_LEVEL: 'app.logLevel',
  DATA_DIR: 'app.dataDir',
  DATABASE_URL: 'database.url',
  DB_LOG_SQL: 'database.logSql',
  LEAD_ASSIGNMENT: 'leads.assignment',
  TEMPORAL_ADDRESS: 'temporal.address',
  TEMPORAL_NAMESPACE: 'temporal.namespace',
  TEMPORAL_TASK_QUEUE: 'temporal.taskQueue',
  TEMPORAL_EMBEDDED_PORT: 'temporal.embeddedPort',
  LARK_APP_ID: 'lark.appId',
  LARK_APP_SECRET: 'lark.appSecret',
  LARK_ENCRYPT_KEY: 'lark.encryptKey',
  LARK_VERIFICATION_TOKEN: 'lark.verificationToken',
  LARK_DOMAIN: 'lark.domain',
  LARK_MODE: 'lark.mode',
  WECOM_CORP_ID: 'wecom.corpId',
  WECOM_AGENT_ID: 'wecom.agentId',
  WECOM_SECRET: 'wecom.secret',
  WECOM_TOKEN: 'wecom.token',
  WECOM_AES_KEY: 'wecom.aesKey',
  WECOM_API_BASE: 'wecom.apiBase',
  WECHATY_PUPPET: 'wechaty.puppet',
  WECHATY_PUPPET_TOKEN: 'wechaty.puppetToken',
  WECHATY_PUPPET_SERVICE_ENDPOINT: 'wechaty.serviceEndpoint',
  WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'wechaty.serviceNoTls',
  WECHATY_NAME: 'wechaty.name',
  DINGTALK_CLIENT_ID: 'dingtalk.clientId',
  DINGTALK_CLIENT_SECRET: 'dingtalk.clientSecret',
  DINGTALK_ROBOT_CODE: 'dingtalk.robotCode',
  DINGTALK_CARD_TEMPLATE_ID: 'dingtalk.cardTemplateId',
  DINGTALK_MODE: 'dingtalk.mode',
  DINGTALK_API_BASE: 'dingtalk.apiBase',
  DINGTALK_OAPI_BASE: 'dingtalk.oapiBase',
  DINGTALK_CARD_CALLBACK_URL: 'dingtalk.cardCallbackUrl',
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Json = unknown;

export function getPath(obj: Json, path: string): Json {
  return path.split('.').reduce<Json>((o, k) => (o && typeof o === 'object' ? (o as Record<string, Json>)[k] : undefined), obj);
}

function setPath(obj: Record<string, Json>, path: string, value: Json): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== 'object' || Array.isArray(o[k])) o[k] = {};
    o = o[k] as Record<string, Json>;
  }
  o[keys[keys.length - 1] as string] = value;
}

/** Objects merge key by key; arrays and scalars replace (a list of rules is one setting). */
export function deepMerge(base: Json, over: Json, origin: Origin, source: string, prefix = ''): Json {
  if (over === undefined) return base;
  const isObj = (v: Json) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(base) || !isObj(over)) {
    origin.set(prefix, source);
    return over;
  }
  const out: Record<string, Json> = { ...(base as Record<string, Json>) };
  for (const [k, v] of Object.entries(over as Record<string, Json>)) {
    out[k] = deepMerge(out[k], v, origin, source, prefix ? `${prefix}.${k}` : k);
  }
  return out;
}

/** The JSON file layer and its label for error messages; an empty CONFIG_FILE means none. */
export function readConfigFile(file: string | undefined): { data: Json; label: string } {
  const path = file === undefined ? (existsSync('config/local.json') ? 'config/local.json' : '') : file;
  if (!path) return { data: undefined, label: 'file' };
  if (!existsSync(path)) throw new ConfigError(`config error: CONFIG_FILE = "${path}": expected an existing JSON file`);
  try {
    return { data: JSON.parse(readFileSync(path, 'utf8')), label: `file ${path}` };
  } catch (e) {
    throw new ConfigError(`config error: CONFIG_FILE = "${path}": expected valid JSON (${(e as Error).message})`);
  }
}

const snakeToCamel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Env names → config paths; the type of the default tells how to read the string. */
export function readEnv(env: NodeJS.ProcessEnv): { data: Record<string, Json>; origin: Origin } {
  const out: Record<string, Json> = {};
  const origin: Origin = new Map();
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    let path = ENV_ALIASES[name];
    if (!path && name.startsWith('Q2C_')) path = name.slice(4).split('__').map(snakeToCamel).join('.');
    if (!path) continue;
    const def = getPath(defaults, path);
    if (def === undefined) throw new ConfigError(`config error: ${name} = "${raw}": expected a known setting (no ${path})`);
    setPath(out, path, parseEnvValue(name, raw, def));
    origin.set(path, `env ${name}`);
  }
  return { data: out, origin };
}

function parseEnvValue(name: string, raw: string, def: Json): Json {
  if (typeof def === 'number') {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`config error: ${name} = "${raw}": expected a number`);
    return n;
  }
  if (typeof def === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`config error: ${name} = "${raw}": expected true or false`);
  }
  if (typeof def === 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigError(`config error: ${name} = "${raw}": expected JSON (${Array.isArray(def) ? 'an array' : 'an object'})`);
  }
}
