import type {
  ApprovalFacts,
  ApprovalStepInfo,
  Bilingual,
  CancelInput,
  DecideInput,
  DunningRung,
  ReceivableCollectionInput,
  ShipInput,
} from './messages';

/**
 * What the flows ask of their activities, declared on the workflow side so workflow code
 * depends on no activity or database module (not even for types). activities/index.ts must
 * satisfy it; the compiler checks that the two never drift apart.
 */
export type ShipmentOutcome =
  | { ok: false; message: Bilingual }
  | { ok: true; message: Bilingual; shipmentNumber: string; receivable: ReceivableCollectionInput; allShipped: boolean };

export interface FlowActivities {
  /** with sendFirstCard, the first step's card goes out too (firstCardSent) */
  openOrder(input: { quoteId: number; submittedByUserId: number; workflowId: string; sendFirstCard?: boolean }): Promise<{
    orderId: number;
    orderNumber: string;
    steps: ApprovalStepInfo[];
    firstCardSent?: boolean;
  }>;
  checkCredit(input: { orderId: number }): Promise<{ over: boolean; overByFen: number; message: Bilingual }>;
  openCreditApproval(input: { orderId: number }): Promise<ApprovalStepInfo>;
  sendApprovalCard(input: { stepId: number; facts: ApprovalFacts }): Promise<void>;
  decideStep(
    input: DecideInput & { facts: ApprovalFacts },
  ): Promise<{ ok: true; approverName: string; at: number; message: Bilingual } | { ok: false; message: Bilingual; facts: ApprovalFacts }>;
  remindApprover(input: { stepId: number }): Promise<void>;
  escalateApproval(input: { stepId: number }): Promise<void>;
  rejectOrder(input: { orderId: number; stepId: number }): Promise<void>;
  confirmOrder(input: { orderId: number }): Promise<{ backorders: { sku: string; qty: number }[] }>;
  recordShipment(input: ShipInput & { orderId: number }): Promise<ShipmentOutcome>;
  /** with completeWhenDone, a shipped and paid order is completed at once (completed) */
  orderSettlement(input: {
    orderId: number;
    completeWhenDone?: boolean;
  }): Promise<{ allShipped: boolean; allPaid: boolean; completed?: boolean }>;
  completeOrder(input: { orderId: number }): Promise<void>;
  /** ok false: refused (goods have shipped), nothing changed */
  cancelOrder(input: CancelInput & { orderId: number }): Promise<{ ok?: boolean; message: Bilingual }>;
  receivableStatus(input: { receivableId: number }): Promise<{ closed: 'paid' | 'void' | null; openFen: number }>;
  dunningNotice(input: { receivableId: number; rung: DunningRung }): Promise<{ closed: 'paid' | 'void' | null; notified: number[] }>;
}
