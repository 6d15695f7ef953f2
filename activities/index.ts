import type { AppConfig } from '../config';
import type { Db } from '../models/db';
import { createApprovalActivities } from './approval';
import { createCreditActivities } from './credit';
import { createOrderActivities } from './order';
import { createReceivableActivities } from './receivable';
import { createShipmentActivities } from './shipment';

/** Every activity the worker registers, built from the same injected database and config. */
export function createActivities(deps: { db: Db; config: AppConfig }) {
  return {
    ...createOrderActivities(deps),
    ...createApprovalActivities(deps),
    ...createCreditActivities(deps),
    ...createShipmentActivities(deps),
    ...createReceivableActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
