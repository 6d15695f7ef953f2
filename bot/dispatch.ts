import type { AppConfig } from '../config';
import { businessDay } from '../domain/calendar';
import { may } from '../domain/permissions';
import type { Db } from '../models/db';
import { isTypedAction, typedAction } from './actions/typed';
import { answering, type ErrorLog } from './answer';
import { type Locale, type Reply, t } from './cards/card';
import { bindCodeCommand } from './commands/bind-code';
import { customerCommand } from './commands/customer';
import { followUpCommand } from './commands/follow-up';
import { localeOf, parseCommand } from './commands/grammar';
import { helpCommand } from './commands/help';
import { leadsCommand, newLeadCommand } from './commands/lead';
import { convertCommand } from './commands/lead-convert';
import { advanceCommand, opportunitiesCommand } from './commands/opportunity';
import { orderCommand } from './commands/order';
import { paymentCommand } from './commands/payment';
import { quoteCommand } from './commands/quote';
import { shipCommand } from './commands/ship';
import { stockCommand } from './commands/stock';
import { doneCommand, tasksCommand } from './commands/tasks';
import type { Flows } from './flows';
import { loadUser } from './user-context';

/**
 * One chat message, from whichever channel, to the replies: who is asking, what they asked
 * (or why it could not be read, with an example), and the command's answer, in the language
 * the user wrote (localeOf).
 */
export interface BotDeps {
  db: Db;
  config: AppConfig;
  now: () => Date;
  /** the workflows; absent when Temporal is not connected (flow commands then say so) */
  flows?: Flows;
  /** where a fault behind a command is logged (bot/answer.ts); stderr when absent */
  log?: ErrorLog;
}

export interface IncomingText {
  userLogin: string;
  text: string;
  /** the platform's message id: makes a redelivered message idempotent */
  messageId: string;
  /** the channel it came from (a typed card action records where it was decided) */
  channel?: string;
}

export function handleText(deps: BotDeps, msg: IncomingText): Promise<Reply[]> {
  const locale = localeOf(msg.text);
  return answering(deps.log, locale, `message from ${msg.userLogin}: ${msg.text.slice(0, 200)}`, () => answerText(deps, msg, locale));
}

async function answerText(deps: BotDeps, msg: IncomingText, locale: Locale): Promise<Reply[]> {
  const say = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  const user = await loadUser(deps.db, msg.userLogin);
  if (!user) return say('您的账号还没有绑定系统用户，请联系管理员', 'Your account is not linked to a user yet; ask an administrator');
  const parsed = parseCommand(msg.text);
  if (!parsed.ok) return say(`${parsed.error.zh}\n例：${parsed.example.zh}`, `${parsed.error.en}\ne.g. ${parsed.example.en}`);
  const cmd = parsed.command;
  const now = deps.now();
  if (isTypedAction(cmd)) return typedAction(deps, user, cmd, { messageId: msg.messageId, channel: msg.channel, locale, raw: msg.text });
  switch (cmd.kind) {
    case 'help':
      return helpCommand(cmd.topic, locale);
    case 'stock':
      return stockCommand(deps.db, cmd.query, { today: businessDay(now), locale });
    case 'customer':
      if (!may(user, 'customer.view')) return say('您无权查看客户资料', 'You may not see customer records');
      return customerCommand(deps.db, deps.config, user, cmd.query, { now, locale });
    case 'quote':
      if (!may(user, 'quote.create')) return say('只有销售可以报价', 'Only sales can quote');
      return quoteCommand(deps.db, deps.config, user, cmd, { today: businessDay(now), locale });
    case 'order':
      if (!may(user, 'order.view')) return say('您无权查看订单', 'You may not see orders');
      return orderCommand(deps.db, user, cmd.orderNo, { locale, flows: deps.flows, now });
    case 'payment':
      return paymentCommand(deps.db, user, cmd, { messageId: msg.messageId, locale, now: deps.now });
    case 'tasks':
      return tasksCommand(deps.db, user, { who: cmd.who, now, locale });
    case 'done':
      return doneCommand(deps.db, user, cmd.taskIds, { now, locale });
    case 'leads':
      return leadsCommand(deps.db, user, cmd.query, { now, locale });
    case 'lead_new':
      return newLeadCommand(deps.db, deps.config, user, cmd.lead, { now, locale });
    case 'follow_up':
      return followUpCommand(deps.db, user, cmd, { now, locale });
    case 'convert':
      return convertCommand(deps.db, user, cmd, { now, locale });
    case 'opportunities':
      return opportunitiesCommand(deps.db, user, cmd.query, { locale });
    case 'advance':
      return advanceCommand(deps.db, user, cmd, { now, locale });
    case 'ship':
      if (!may(user, 'shipment.record')) return say('只有仓库可以登记发货', 'Only the warehouse can ship');
      return shipCommand(deps.db, deps.flows, user, cmd, { messageId: msg.messageId, locale });
    case 'bindcode':
      return bindCodeCommand(deps.db, user, cmd.who, { now, locale });
    case 'bind':
      // whoever is asking is bound already (strangers are handled by the channel: bot/channels/inbound.ts)
      return say(`您的账号已绑定为 ${user.name}，无需再绑定`, `This account is already bound to ${user.name}`);
  }
}
