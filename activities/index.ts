import type { FlowActivities } from '../workflows/activity-contract';
import { createApprovalActivities } from './approval';
import { createCreditActivities } from './credit';
import type { ActivityDeps } from './deps';
import { createOrderActivities } from './order';
import { createReceivableActivities } from './receivable';
import { createShipmentActivities } from './shipment';
import { createTaskActivities } from './tasks';

/** Every activity the worker registers, built from the same injected database, config, clock and notify port. */
export function createActivities(deps: ActivityDeps) {
  const activities = {
    ...createOrderActivities(deps),
    ...createApprovalActivities(deps),
    ...createCreditActivities(deps),
    ...createShipmentActivities(deps),
    ...createReceivableActivities(deps),
    // for the daily scan (U2: overdue tasks in each person's digest); no flow of today calls it
    ...createTaskActivities(deps),
  };
  // the flows' declared contract (workflows/activity-contract.ts): a drift is a compile error
  return activities satisfies FlowActivities;
}

export type Activities = ReturnType<typeof createActivities>;
