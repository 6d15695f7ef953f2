/**
 * The parts every channel's pushes bench shares: recipients beyond the demo company, a warm-up
 * that binds everyone first (first contact is not what is measured), the burst written in one
 * transaction, and the check that each person got every push once, in order.
 */
import { pushTo } from '../bot/outbox';
import type { Db } from '../models/db';

type BenchUser = Awaited<ReturnType<Db['models']['User']['create']>>;

/** the active users, topped up with bench reps to `n`; `contact` gives each new one the field its platform finds people by */
export async function benchRecipients(
  db: Db,
  n: number,
  contact: (i: number) => { mobile?: string; email?: string },
): Promise<BenchUser[]> {
  const { User } = db.models;
  const to = (await User.findAll({ where: { active: true }, order: [['id', 'ASC']] })).slice(0, n);
  for (let i = to.length; i < n; i++) {
    const c = contact(i);
    to.push(
      await User.create({
        login: `bench${i}`,
        name: `压测${i}`,
        roleCode: 'rep',
        teamId: null,
        mobile: c.mobile ?? null,
        email: c.email ?? null,
        employeeNo: null,
      }),
    );
  }
  return to;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** one push to everyone, delivered, and the one-second windows it took places in left to expire */
export async function warmUp(db: Db, ids: number[], delivery: { settled(): Promise<void> }): Promise<void> {
  await pushTo(db, ids, { kind: 'text', text: 'warm-up' }, { dedupeKey: 'bench.warmup' });
  await delivery.settled();
  await sleep(1_200);
}

export const burstText = (tag: string, i: number, pushes: number) => `${tag} ${i + 1}/${pushes}`;

/** `pushes` texts to each of `ids`, written in one transaction as a business change writes them */
export async function writeBurst(db: Db, ids: number[], pushes: number, tag = 'bench'): Promise<void> {
  await db.writeTx(async (transaction) => {
    for (let i = 0; i < pushes; i++)
      await pushTo(db, ids, { kind: 'text', text: burstText(tag, i, pushes) }, { dedupeKey: `${tag}.${i}`, transaction });
  });
}

/** each person's texts of this burst are exactly its pushes, once each, in order */
export function arrivedInOrder(textsOfEach: string[][], pushes: number, tag = 'bench'): boolean {
  return textsOfEach.every((all) => {
    const texts = all.filter((t) => t.startsWith(`${tag} `));
    return texts.length === pushes && texts.every((t, i) => t === burstText(tag, i, pushes));
  });
}
