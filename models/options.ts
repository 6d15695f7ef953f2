import type { InitOptions, Model, ModelIndexesOptions, Sequelize } from 'sequelize';

/** Table options every model shares: snake_case columns, timestamps, explicit table name. */
export function tableOptions<M extends Model>(
  sequelize: Sequelize,
  tableName: string,
  indexes: ModelIndexesOptions[] = [],
  extra: Partial<InitOptions<M>> = {},
): InitOptions<M> {
  return { sequelize, tableName, underscored: true, timestamps: true, indexes, ...extra };
}
