import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * The command lines of our CLIs (`npm run seed`, `npm run migrate`): node's `util.parseArgs`,
 * strict, with `-h/--help` added. It lives beside the configuration because it is the other
 * way a run is told what to do, and because everything may import config/.
 * A flag the command does not know, a missing value or a stray word is a usage error: the
 * CLI says so with its usage line and exits 2, before it touches a database.
 */
export class UsageError extends Error {}

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** Parses `args` by `config`; throws UsageError for anything outside it; `help` is true for -h/--help. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, args: string[]): Parsed<T> & { help: boolean } {
  try {
    const parsed = parseArgs({
      ...config,
      args,
      strict: true,
      options: { ...config.options, help: { type: 'boolean', short: 'h' } },
    }) as Parsed<T> & { values: { help?: boolean } };
    return Object.assign(parsed, { help: parsed.values.help === true });
  } catch (e) {
    // node's own errors name the flag and what is wrong with it; anything else is ours
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((e as Error).message);
    throw e;
  }
}

/**
 * For a CLI's main: `--help` prints the usage and exits 0; a usage error (here or from the
 * CLI's own checks, via `fail`) prints it with the usage on stderr and exits 2.
 */
export function commandLine<T extends ParseArgsConfig>(
  usage: string,
  config: T,
  args = process.argv.slice(2),
): Parsed<T> & { fail: (message: string) => never } {
  const fail = (message: string): never => {
    process.stderr.write(`参数错误 bad arguments: ${message}\n用法 usage: ${usage}\n`);
    process.exit(2);
  };
  let parsed: Parsed<T> & { help: boolean };
  try {
    parsed = parseCommandLine(config, args);
  } catch (e) {
    if (e instanceof UsageError) return fail(e.message);
    throw e;
  }
  if (parsed.help) {
    process.stdout.write(`用法 usage: ${usage}\n`);
    process.exit(0);
  }
  return Object.assign(parsed, { fail });
}
