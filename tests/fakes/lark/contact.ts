import { CODES, invalidParam, type LarkAnswer, larkError, ok } from './codes';
import type { FakeState } from './state';
import type { FakeUser } from './store';

type IdType = 'open_id' | 'user_id' | 'union_id';
const FIELD = { open_id: 'openId', user_id: 'userId', union_id: 'unionId' } as const;

function idType(query: URLSearchParams): IdType | undefined {
  const t = query.get('user_id_type') ?? 'open_id';
  return t === 'open_id' || t === 'user_id' || t === 'union_id' ? t : undefined;
}

/** GET /open-apis/contact/v3/users/:user_id */
export function getUser(s: FakeState, id: string, query: URLSearchParams): LarkAnswer {
  const type = idType(query);
  if (!type) return invalidParam('user_id_type');
  const user = [...s.store.users.values()].find((u) => u[FIELD[type]] === id);
  if (!user) return larkError(400, CODES.userNotFound, 'no user authority error');
  return ok({ user: userJson(user) });
}

/** POST /open-apis/contact/v3/users/batch_get_id: unknown emails/mobiles come back without user_id */
export function batchGetId(s: FakeState, query: URLSearchParams, body: Record<string, unknown>): LarkAnswer {
  const type = idType(query);
  if (!type) return invalidParam('user_id_type');
  const emails = Array.isArray(body.emails) ? (body.emails as unknown[]) : [];
  const mobiles = Array.isArray(body.mobiles) ? (body.mobiles as unknown[]) : [];
  if (emails.length + mobiles.length === 0) return invalidParam('emails or mobiles required');
  if (emails.length > 50 || mobiles.length > 50) return invalidParam('at most 50 emails and 50 mobiles');
  const user_list = [
    ...emails.map((email) => entry('email', String(email), s.store.userBy('email', String(email)))),
    ...mobiles.map((mobile) => entry('mobile', String(mobile), s.store.userBy('mobile', String(mobile)))),
  ];
  return ok({ user_list });

  function entry(key: 'email' | 'mobile', value: string, user: FakeUser | undefined) {
    return user ? { user_id: user[FIELD[type!]], [key]: value } : { [key]: value };
  }
}

function userJson(u: FakeUser): Record<string, unknown> {
  return {
    open_id: u.openId,
    user_id: u.userId,
    union_id: u.unionId,
    name: u.name,
    ...(u.mobile ? { mobile: u.mobile } : {}),
    ...(u.email ? { email: u.email } : {}),
    ...(u.employeeNo ? { employee_no: u.employeeNo } : {}),
    status: { is_activated: true, is_frozen: false, is_resigned: false },
  };
}
