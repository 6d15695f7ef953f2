import { EventEmitter } from 'node:events';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Db } from '../models/db';
import { hotRead } from '../models/sqlite-connections';
import type { Card, Reply } from './cards/card';

/**
 * Pushing to users: a message (text or card) or the in-place update of a card, written to the
 * outbox table. The row's cursor (its id; on PostgreSQL its seq, see readInbox) is the
 * recipient's inbox cursor. A dedupe key makes a retried activity push once (one row per key
 * and recipient). `outboxEvents` tells listeners in this
 * process (the console's live stream) who has something new; other readers poll the cursor.
 */
export const outboxEvents = new EventEmitter();
outboxEvents.setMaxListeners(0);

export interface InboxMessage {
  cursor: number;
  kind: 'text' | 'card' | 'card_update';
  reply: Reply;
  at: string;
}

function announce(userIds: number[], t?: Transaction): void {
  const emit = () => {
    for (const id of new Set(userIds)) outboxEvents.emit('pushed', id);
  };
  if (t) t.afterCommit(emit);
  else emit();
}

export interface PushOptions {
  /** once per key and user however often it is called (a retried activity, a redelivered message) */
  dedupeKey?: string;
  transaction?: Transaction;
  /** a reply to a message on this channel: delivered there only, as a reply to that message */
  onlyChannel?: string;
  replyTo?: { messageId: string; chatId: string; chatType: 'p2p' | 'group' };
  /** a reminder: those piling up for one person go out as one digest (bot/delivery/digest) */
  digest?: 'reminder' | 'alert';
}

/** Sends a reply to each user, through every channel where they are bound (bot/delivery). */
export async function pushTo(db: Db, userIds: readonly number[], reply: Reply, opts: PushOptions = {}): Promise<void> {
  const to = [...new Set(userIds)];
  if (to.length === 0) return;
  const rows = to.map((recipientUserId) => ({
    recipientUserId,
    kind: reply.kind,
    cardId: reply.kind === 'card' ? reply.card.id : null,
    payload: reply as unknown as Record<string, unknown>,
    dedupeKey: opts.dedupeKey ? `${opts.dedupeKey}:${recipientUserId}` : null,
    onlyChannel: opts.onlyChannel ?? null,
    replyTo: opts.replyTo ? { ...opts.replyTo } : null,
    digest: opts.digest ?? null,
  }));
  await insert(db, rows, opts.transaction);
  announce(to, opts.transaction);
}

/** The users who received this card (as a new card), in id order. */
export async function cardHolders(db: Db, cardId: string, t?: Transaction): Promise<number[]> {
  const had = await db.models.OutboxMessage.findAll({
    where: { cardId, kind: 'card' },
    attributes: ['recipientUserId'],
    transaction: t,
  });
  return [...new Set(had.map((r) => r.recipientUserId))].sort((a, b) => a - b);
}

/** The card as this user last received it (new or updated), or null when they never had it. */
export async function latestCardOf(db: Db, userId: number, cardId: string): Promise<Card | null> {
  const row = await db.models.OutboxMessage.findOne({
    where: { recipientUserId: userId, cardId },
    attributes: ['payload'],
    order: [['id', 'DESC']],
  });
  return row ? ((row.payload as unknown as { card: Card }).card ?? null) : null;
}

/** Replaces, in place, the card these users hold with this one (once per dedupe key and user). */
export async function replaceCard(
  db: Db,
  userIds: readonly number[],
  card: Card,
  opts: { dedupeKey: string; transaction?: Transaction },
): Promise<void> {
  const to = [...new Set(userIds)];
  const rows = to.map((recipientUserId) => ({
    recipientUserId,
    kind: 'card_update' as const,
    cardId: card.id,
    payload: { kind: 'card', card } as unknown as Record<string, unknown>,
    dedupeKey: `${opts.dedupeKey}:${recipientUserId}`,
  }));
  await insert(db, rows, opts.transaction);
  announce(to, opts.transaction);
}

/**
 * Replaces a card, in place, for everyone who received it (and for `alsoTo`, who get it as a
 * new card when they never had it). Returns the users whose card was updated.
 */
export async function updateCard(
  db: Db,
  card: Card,
  opts: { dedupeKey: string; alsoTo?: readonly number[]; transaction?: Transaction },
): Promise<number[]> {
  const holders = await cardHolders(db, card.id, opts.transaction);
  await replaceCard(db, holders, card, opts);
  const newcomers = (opts.alsoTo ?? []).filter((u) => !holders.includes(u));
  if (newcomers.length) await pushTo(db, newcomers, { kind: 'card', card }, opts);
  return holders;
}

interface Row {
  recipientUserId: number;
  kind: 'text' | 'card' | 'card_update';
  cardId: string | null;
  payload: Record<string, unknown>;
  dedupeKey: string | null;
  onlyChannel?: string | null;
  replyTo?: Record<string, unknown> | null;
  digest?: string | null;
}

/**
 * One statement: a row whose (dedupe key, recipient) is already there is skipped by the unique
 * index. Alone it needs no transaction of its own (one statement is atomic, and on SQLite it
 * still queues on the write lock: models/write-lock.ts).
 */
async function insert(db: Db, rows: Row[], t?: Transaction): Promise<void> {
  if (rows.length === 0) return;
  await db.models.OutboxMessage.bulkCreate(rows, { ignoreDuplicates: true, transaction: t });
}

// The console is one channel among the others: a reply to a message on Lark is not its business.
const FOR_CONSOLE = "(only_channel IS NULL OR only_channel = 'console')";
const INBOX_SQL = `SELECT id, kind, payload, created_at AS "createdAt" FROM outbox_messages WHERE recipient_user_id = ? AND id > ? AND ${FOR_CONSOLE} ORDER BY id LIMIT ?`;
const INBOX_SQL_PG = `SELECT seq AS id, kind, payload, created_at AS "createdAt" FROM outbox_messages WHERE recipient_user_id = ? AND seq > ? AND ${FOR_CONSOLE} ORDER BY seq LIMIT ?`;

interface InboxRow {
  id: number;
  kind: InboxMessage['kind'];
  payload: Record<string, unknown> | string;
  createdAt: Date | string;
}

/** any one key of this application's advisory locks; only sequence() takes it */
const SEQUENCER_LOCK = 0x71326373;

/**
 * PostgreSQL only: gives committed rows their cursor, in id order, one sequencer at a time.
 * An id comes from a sequence when the row is inserted, so a transaction that commits late
 * can reveal a row below a cursor a reader has already passed. A cursor given here, after the
 * commit, under a lock, only grows in the order rows became visible; a row still in flight
 * gets a higher one once it commits. Readers call this first; it costs one indexed probe when
 * there is nothing to do, and a reader that finds another sequencer at work reads what has a
 * cursor already and finds the rest next time.
 */
async function sequence(db: Db): Promise<void> {
  const waiting = await db.sequelize.query('SELECT 1 FROM outbox_messages WHERE seq IS NULL LIMIT 1', { type: QueryTypes.SELECT });
  if (waiting.length === 0) return;
  await db.sequelize.transaction(async (t) => {
    const [got] = await db.sequelize.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(:k) AS locked', {
      replacements: { k: SEQUENCER_LOCK },
      type: QueryTypes.SELECT,
      transaction: t,
    });
    if (!got?.locked) return;
    await db.sequelize.query(
      `UPDATE outbox_messages o SET seq = s.seq
       FROM (SELECT id, (SELECT COALESCE(MAX(seq), 0) FROM outbox_messages) + row_number() OVER (ORDER BY id) AS seq
             FROM outbox_messages WHERE seq IS NULL) s
       WHERE o.id = s.id`,
      { transaction: t },
    );
  });
}

/**
 * The inbox rows after the cursor. Every open console page and long poll asks this again and
 * again, so on SQLite it is a statement prepared once (models/sqlite-connections hotRead).
 * Rows come back as stored: on SQLite JSON as text and the timestamp in Sequelize's text form,
 * on PostgreSQL already parsed. The cursor is the id on SQLite (one writer: rows commit in id
 * order) and the seq given after commit on PostgreSQL (sequence above).
 */
async function readInbox(db: Db, userId: number, after: number, limit: number): Promise<InboxRow[]> {
  if (db.dialect === 'sqlite') return hotRead<InboxRow>(db.sequelize, INBOX_SQL, [userId, after, limit]);
  await sequence(db);
  return hotRead<InboxRow>(db.sequelize, INBOX_SQL_PG, [userId, after, limit]);
}

/** The user's messages after the cursor, oldest first, and the cursor to ask from next. */
export async function inboxSince(db: Db, userId: number, after: number, limit = 100): Promise<{ messages: InboxMessage[]; next: number }> {
  const rows = await readInbox(db, userId, after, limit);
  return {
    messages: rows.map((r) => ({
      cursor: r.id,
      kind: r.kind,
      reply: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Reply,
      at: new Date(r.createdAt).toISOString(),
    })),
    next: rows.length ? (rows[rows.length - 1] as InboxRow).id : after,
  };
}
