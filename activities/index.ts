import type { AppConfig } from '../config';
import type { Db } from '../models/db';
import type { FlowActivities } from '../workflows/activity-contract';
import { createApprovalActivities } from './approval';
import { createCreditActivities } from './credit';
import { createOrderActivities } from './order';
import { createReceivableActivities } from './receivable';
import { createShipmentActivities } from './shipment';

/** Every activity the worker registers, built from the same injected database and config. */
export function createActivities(deps: { db: Db; config: AppConfig }) {
  const activities = {
    ...createOrderActivities(deps),
    ...createApprovalActivities(deps),
    ...createCreditActivities(deps),
    ...createShipmentActivities(deps),
    ...createReceivableActivities(deps),
  };
  // the flows' declared contract (workflows/activity-contract.ts): a drift is a compile error
  return activities satisfies FlowActivities;
}

export type Activities = ReturnType<typeof createActivities>;
