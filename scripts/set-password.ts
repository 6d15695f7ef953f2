// npm run set-password -- <login> [--password-stdin]
// Sets a user's console password (needed to sign in when the console is exposed: HOST off
// loopback, or CONSOLE_SIGN_IN=always), clears their lockout and ends their sessions. The
// password is never an argument (it would sit in the shell history and `ps`): typed twice at a
// prompt that does not echo it, or read as the first line of stdin with --password-stdin (or
// whenever stdin is not a terminal): `printf '%s\n' "$PW" | npm run set-password -- lina --password-stdin`.
import { parseArgs } from 'node:util';
import { setPassword } from '../app/console-sign-in';
import { loadConfigOrExit } from '../config';
import { openDb } from '../models/db';
import { migrate } from '../models/migrations';

const USAGE = 'usage: npm run set-password -- <login> [--password-stdin]';

async function readStdinLine(): Promise<string> {
  let all = '';
  for await (const chunk of process.stdin) {
    all += chunk;
    if (all.includes('\n')) break;
  }
  return all.split(/\r?\n/)[0] ?? '';
}

/** One line from the terminal, not echoed. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stdout.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
    };
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n') {
          finish();
          resolve(typed);
          return;
        }
        if (c === '\u0003') {
          finish();
          process.exit(130); // Ctrl-C
        }
        typed = c === '\u007f' || c === '\b' ? typed.slice(0, -1) : typed + c;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) return readStdinLine();
  const first = await promptHidden('新密码 new password: ');
  const again = await promptHidden('再输入一次 again: ');
  if (first !== again) throw new Error('两次输入不一致 the two entries differ');
  return first;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'password-stdin': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const login = positionals[0] as string;
  const password = await readPassword(values['password-stdin']);
  const config = loadConfigOrExit();
  const db = await openDb({ url: config.database.url, dataDir: config.app.dataDir, logSql: config.database.logSql });
  try {
    await migrate(db);
    const r = await setPassword(db, login, password, new Date());
    if (!r.ok) {
      console.error(`未设置 not set: ${r.error}`);
      process.exitCode = 1;
      return;
    }
    console.log(`已为 ${login} 设置控制台密码，其登录会话已结束 console password set for ${login}; their sessions are ended`);
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  console.error(`设置密码失败 set-password failed: ${(e as Error).message}`);
  process.exit(1);
});
