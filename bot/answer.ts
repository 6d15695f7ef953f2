import { randomUUID } from 'node:crypto';
import { type Locale, type Reply, t } from './cards/card';

export interface ErrorLog {
  error(msg: string): void;
}

/**
 * Every message and click gets an answer: a fault behind a command (the database, the flows, a
 * bug) is logged with an id and answered with that id and what to do, never with a 500 or
 * silence. The id lets an admin find the log line the user quotes.
 */
export async function answering(log: ErrorLog | undefined, locale: Locale, what: string, work: () => Promise<Reply[]>): Promise<Reply[]> {
  try {
    return await work();
  } catch (e) {
    const id = randomUUID().slice(0, 8);
    (log ?? { error: (m: string) => process.stderr.write(`${m}\n`) }).error(`[${id}] ${what}: ${(e as Error).stack ?? e}`);
    return [
      {
        kind: 'text',
        text: t(
          locale,
          `抱歉，处理时出错了（编号 ${id}，已记录）。请稍后再试；输入“帮助”查看用法`,
          `Sorry, something went wrong (ref ${id}, logged). Please try again later; type "help" for usage`,
        ),
      },
    ];
  }
}
