import { DataTypes, type ModelAttributeColumnOptions } from 'sequelize';

/**
 * Column builders shared by every model, so that money, quantities and statuses are declared
 * the same way everywhere: money is BIGINT fen, quantities INTEGER, statuses short strings
 * checked against their list (portable across SQLite and PostgreSQL, unlike native ENUMs).
 */

type Col = ModelAttributeColumnOptions;

export const pk = (): Col => ({ type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true });

export const fk = (table: string, opts: { nullable?: boolean; onDelete?: 'CASCADE' | 'RESTRICT' | 'SET NULL' } = {}): Col => ({
  type: DataTypes.INTEGER,
  allowNull: opts.nullable ?? false,
  references: { model: table, key: 'id' },
  onDelete: opts.onDelete ?? (opts.nullable ? 'SET NULL' : 'RESTRICT'),
});

/** Integer fen; a value beyond 2^53 would be a bug, so it is refused rather than rounded. */
export const money = (opts: { nullable?: boolean; signed?: boolean } = {}): Col => ({
  type: DataTypes.BIGINT,
  allowNull: opts.nullable ?? false,
  ...(opts.nullable ? {} : { defaultValue: 0 }),
  validate: {
    isSafeInt(v: unknown) {
      if (v === null || v === undefined) return;
      const n = Number(v);
      if (!Number.isSafeInteger(n)) throw new Error('money must be an integer number of fen');
      if (!opts.signed && n < 0) throw new Error('money must not be negative');
    },
  },
});

export const qty = (opts: { nullable?: boolean; signed?: boolean; defaultValue?: number } = {}): Col => ({
  type: DataTypes.INTEGER,
  allowNull: opts.nullable ?? false,
  ...(opts.defaultValue !== undefined ? { defaultValue: opts.defaultValue } : {}),
  validate: { isInt: true, ...(opts.signed ? {} : { min: 0 }) },
});

/** Basis points (1% = 100). */
export const bp = (defaultValue = 0): Col => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue, validate: { isInt: true } });

export const str = (len = 255, opts: { nullable?: boolean; unique?: boolean; defaultValue?: string } = {}): Col => ({
  type: DataTypes.STRING(len),
  allowNull: opts.nullable ?? false,
  ...(opts.unique ? { unique: true } : {}),
  ...(opts.defaultValue !== undefined ? { defaultValue: opts.defaultValue } : {}),
});

export const text = (nullable = true): Col => ({ type: DataTypes.TEXT, allowNull: nullable });

export function status<T extends readonly string[]>(values: T, defaultValue: T[number]): Col {
  return { type: DataTypes.STRING(24), allowNull: false, defaultValue, validate: { isIn: [values as unknown as string[]] } };
}

export const enumOf = <T extends readonly string[]>(values: T, nullable = false): Col => ({
  type: DataTypes.STRING(24),
  allowNull: nullable,
  validate: { isIn: [values as unknown as string[]] },
});

/** A calendar date (YYYY-MM-DD) in Asia/Shanghai: due dates, order dates, ETAs. */
export const day = (nullable = false): Col => ({ type: DataTypes.DATEONLY, allowNull: nullable });
export const instant = (nullable = true): Col => ({ type: DataTypes.DATE, allowNull: nullable });
export const bool = (defaultValue: boolean): Col => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue });
export const json = (defaultValue: unknown = null): Col => ({ type: DataTypes.JSON, allowNull: defaultValue === null, defaultValue });

/** createdAt / updatedAt, listed so the typed models can declare them. */
export const stamps = () => ({ createdAt: instant(false), updatedAt: instant(false) });
export const looseId = (): Col => ({ type: DataTypes.INTEGER, allowNull: true });
