import type { FlowActivities } from '../workflows/activity-contract';
import { createApprovalActivities } from './approval';
import { createCreditActivities } from './credit';
import type { ActivityDeps } from './deps';
import { createOrderActivities } from './order';
import { createReceivableActivities } from './receivable';
import { createShipmentActivities } from './shipment';

/** Every activity the worker registers, built from the same injected database, config, clock and notify port. */
export function createActivities(deps: ActivityDeps) {
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
