import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { Op } from 'sequelize';
import { BUSINESS_TZ } from '../../domain/calendar';
import { may } from '../../domain/permissions';
import type { Db } from '../../models/db';
import { type Locale, type Reply, t } from '../cards/card';
import { issueBindCode } from '../channels/bind-code';
import type { UserContext } from '../user-context';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * 绑定码 张伟 (admin): a one-time code for the colleague named by name, login or employee
 * number, to be sent from their chat account as `绑定 123456` (bot/channels/bind-code.ts).
 */
export async function bindCodeCommand(db: Db, admin: UserContext, who: string, o: { now: Date; locale: Locale }): Promise<Reply[]> {
  const say = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(o.locale, zh, en) }];
  if (!may(admin, 'user.bind')) return say('只有管理员可以生成绑定码', 'Only an administrator can issue bind codes');
  const users = await db.models.User.findAll({
    where: { active: true, [Op.or]: [{ name: who }, { login: who }, { employeeNo: who }] },
    attributes: ['id', 'name', 'login', 'employeeNo'],
  });
  if (users.length === 0)
    return say(`没有找到用户“${who}”（可写姓名、登录名或工号）`, `no user "${who}" (give a name, login or employee number)`);
  if (users.length > 1)
    return say(
      `“${who}”有 ${users.length} 位同名用户，请改用工号：${users.map((u) => `${u.name} ${u.employeeNo ?? u.login}`).join('，')}`,
      `"${who}" matches ${users.length} users; give the employee number: ${users.map((u) => `${u.name} ${u.employeeNo ?? u.login}`).join(', ')}`,
    );
  const u = users[0] as (typeof users)[number];
  const { code, expiresAt } = await issueBindCode(db, { userId: u.id, issuedByUserId: admin.id, now: o.now });
  const until = dayjs(expiresAt).tz(BUSINESS_TZ).format('HH:mm');
  const label = `${u.name}（${u.employeeNo ?? u.login}）`;
  return say(
    `${label}的绑定码：${code}\n${until} 前有效，只能使用一次。请${u.name}用要绑定的账号（如微信）向机器人发送：绑定 ${code}`,
    `Bind code for ${label}: ${code}\nValid until ${until}, once. ${u.name} sends from the account to bind (e.g. WeChat): bind ${code}`,
  );
}
