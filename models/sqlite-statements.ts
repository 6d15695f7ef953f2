/**
 * What the wrappers of a sqlite3 connection (sqlite-table-info, write-lock) share: what a
 * statement is, read from its first keyword. Sequelize sends one
 * statement per call (a table rebuild is several calls), so the first keyword says it all and
 * a long statement (an outbox row with a card in it) is never scanned to the end.
 */

const LEADING = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*([A-Za-z]+)/;

/** The statement's first keyword, upper case, after any leading comments ('' if none). */
export function firstKeyword(sql: unknown): string {
  return typeof sql === 'string' ? (LEADING.exec(sql)?.[1]?.toUpperCase() ?? '') : '';
}

/** Statements that change the schema. */
export const isSchemaChange = (sql: unknown): boolean => ['CREATE', 'ALTER', 'DROP'].includes(firstKeyword(sql));

/** Statements that take SQLite's write lock. */
export const isWrite = (sql: unknown): boolean =>
  ['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'CREATE', 'ALTER', 'DROP'].includes(firstKeyword(sql));
