import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * Every signal, query and update of the flows, declared once: the workflows set handlers on
 * these, the bot sends them. Pure types and names only, so both sides import it.
 */
export interface Bilingual {
  zh: string;
  en: string;
}

export interface ApprovalStepInfo {
  stepId: number;
  stepNo: number;
  role: string;
  approverUserId: number;
  approverName: string;
  /** what the approver saw when the card was sent; a click is re-checked against it */
  facts: ApprovalFacts;
}

/** Facts an approval rests on: stock available per SKU, or how far over its credit the customer is. */
export interface ApprovalFacts {
  availableBySku?: Record<string, number>;
  creditOverByFen?: number;
}

export type Decision = 'approve' | 'reject';

export interface DecideInput {
  stepId: number;
  userId: number;
  decision: Decision;
  comment?: string;
  /** the channel the click came from (lark, dingtalk, wecom, wechaty, console): a late click elsewhere is told where it was decided */
  via?: string;
}

/** An update's answer: plain data. Cards never pass through workflow history; the bot redraws them. */
export interface DecideResult {
  ok: boolean;
  message: Bilingual;
}

export interface ShipInput {
  userId: number;
  lines: { sku: string; qty: number }[];
  carrier: string;
  trackingNo: string;
  /** the chat message id: the same message shipping twice records one shipment */
  requestId: string;
}

export interface ShipResult {
  ok: boolean;
  message: Bilingual;
  shipmentNumber?: string;
  receivableNumber?: string;
}

export interface CancelInput {
  userId: number;
  reason: string;
}

export type OrderPhase =
  | 'approval'
  | 'credit_approval'
  | 'rejected'
  | 'to_ship'
  | 'partially_shipped'
  | 'collecting'
  | 'completed'
  | 'cancelled';

export interface OrderFlowState {
  phase: OrderPhase;
  orderId: number;
  orderNumber: string;
  quoteNumber: string;
  /** the approval being waited for, with when it was asked (epoch ms) */
  waitingFor: { stepId: number; approverName: string; role: string; since: number; reminded: boolean; escalated: boolean } | null;
  decided: { stepId: number; approverName: string; decision: Decision; at: number; comment?: string; via?: string }[];
  shipments: string[];
  receivables: string[];
  backorders: { sku: string; qty: number }[];
}

export const decideUpdate = defineUpdate<DecideResult, [DecideInput]>('decide');
export const shipUpdate = defineUpdate<ShipResult, [ShipInput]>('ship');
export const cancelUpdate = defineUpdate<DecideResult, [CancelInput]>('cancel');
/** a payment was written off against one of the order's receivables */
export const paymentAppliedSignal = defineSignal<[{ paymentId: number }]>('paymentApplied');
export const orderStateQuery = defineQuery<OrderFlowState>('state');

export interface DunningRung {
  /** epoch ms when this rung is due */
  at: number;
  daysOverdue: number;
  notify: string[];
}

export interface ReceivableCollectionInput {
  receivableId: number;
  number: string;
  /** epoch ms of the due date's start of business, Shanghai */
  dueAt: number;
  /** the dunning ladder, made absolute when the receivable was issued (from config) */
  rungs: DunningRung[];
  /** set when the receivable was born closed (0 fen to collect): the flow ends at once */
  closed?: 'paid';
}

export interface ReceivableFlowState {
  receivableId: number;
  number: string;
  dueAt: number;
  rungsSent: number[];
  closed: 'paid' | 'void' | null;
}

export const receivablePaidSignal = defineSignal<[{ paymentId: number }]>('receivablePaid');
export const receivableVoidSignal = defineSignal<[{ reason: string }]>('receivableVoid');
export const receivableStateQuery = defineQuery<ReceivableFlowState>('state');

/** Workflow ids are derived from document numbers, so any part of the system can find a flow. */
export const quoteToCashId = (quoteNumber: string) => `q2c-${quoteNumber}`;
export const receivableCollectionId = (receivableNumber: string) => `ar-${receivableNumber}`;
