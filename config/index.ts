import { defaults } from './defaults';
import { type AppConfig, configSchema } from './schema';
import { ConfigError, deepMerge, getPath, type Origin, readConfigFile, readEnv } from './sources';

export { defaults } from './defaults';
export * from './schema';
export { ConfigError, ENV_ALIASES } from './sources';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** a JSON file; defaults to $CONFIG_FILE, then config/local.json when present */
  file?: string;
  /** programmatic overrides applied last (tests) */
  overrides?: unknown;
}

/** defaults → optional JSON file → environment → overrides; validated, then frozen. */
export function loadConfig(opts: LoadOptions = {}): AppConfig {
  const env = opts.env ?? process.env;
  const origin: Origin = new Map();
  const file = readConfigFile(opts.file ?? env.CONFIG_FILE);
  const fromEnv = readEnv(env);
  let merged = deepMerge({}, defaults, origin, 'default');
  merged = deepMerge(merged, file.data, origin, file.label);
  merged = deepMerge(merged, fromEnv.data, origin, 'env');
  for (const [path, name] of fromEnv.origin) origin.set(path, name);
  merged = deepMerge(merged, opts.overrides, origin, 'override');
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw new ConfigError('config error: invalid configuration');
    const path = issue.path.join('.');
    const value = getPath(merged, path);
    // the closest ancestor that was set as a whole (an array replaced by a file, say)
    const owner = [...origin.keys()].filter((p) => path === p || path.startsWith(`${p}.`)).sort((a, b) => b.length - a.length)[0];
    const from = (owner !== undefined && origin.get(owner)) || 'default';
    throw new ConfigError(`config error: ${path || '(root)'} = ${JSON.stringify(value)} (from ${from}): ${issue.message}`);
  }
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** For entry points: print the one-line reason and stop, instead of a stack trace. */
export function loadConfigOrExit(opts: LoadOptions = {}): AppConfig {
  try {
    return loadConfig(opts);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
