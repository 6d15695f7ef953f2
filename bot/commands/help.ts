import { type Locale, type Reply, t } from '../cards/card';
import { COMMANDS, type CommandKind } from './grammar';

/** 帮助 / help [command]: what the bot does, each command with an example. */
export function helpCommand(topic: CommandKind | null, locale: Locale = 'zh'): Reply[] {
  const kinds = topic ? [topic] : (Object.keys(COMMANDS) as CommandKind[]);
  const lines = kinds.map((k) => {
    const c = COMMANDS[k];
    return t(locale, `· ${c.summary.zh}\n  例：${c.example.zh}`, `· ${c.summary.en}\n  e.g. ${c.example.en}`);
  });
  return [{ kind: 'text', text: [t(locale, '我能做这些：', 'I can do these:'), ...lines].join('\n') }];
}
