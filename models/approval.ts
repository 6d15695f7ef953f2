import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { APPROVER_ROLES } from '../config/schema';
import { APPROVAL_STATUS, APPROVAL_STEP_STATUS, APPROVAL_SUBJECT, DECISION } from '../domain/statuses';
import { enumOf, fk, instant, json, pk, qty, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

/**
 * Approvals (Q4, B3): a request, its ordered steps, and at most one decision per step
 * (the unique index is what makes a double click decide once).
 */
export function defineApproval(sequelize: Sequelize) {
  class ApprovalRequest extends Model<InferAttributes<ApprovalRequest>, InferCreationAttributes<ApprovalRequest>> {
    declare id: CreationOptional<number>;
    declare subjectType: (typeof APPROVAL_SUBJECT.values)[number];
    declare subjectId: number;
    declare status: CreationOptional<(typeof APPROVAL_STATUS.values)[number]>;
    declare requestedByUserId: number;
    declare workflowId: string | null;
    declare decidedAt: Date | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ApprovalRequest.init(
    {
      id: pk(),
      subjectType: enumOf(APPROVAL_SUBJECT.values),
      subjectId: qty(),
      status: status(APPROVAL_STATUS.values, 'pending'),
      requestedByUserId: fk('users'),
      workflowId: str(128, { nullable: true }),
      decidedAt: instant(),
      ...stamps(),
    },
    tableOptions(sequelize, 'approval_requests', [{ fields: ['subject_type', 'subject_id'] }, { fields: ['status'] }]),
  );

  class ApprovalStep extends Model<InferAttributes<ApprovalStep>, InferCreationAttributes<ApprovalStep>> {
    declare id: CreationOptional<number>;
    declare approvalRequestId: number;
    declare stepNo: number;
    declare approverRole: (typeof APPROVER_ROLES)[number];
    declare approverUserId: number;
    declare reasons: { zh: string; en: string; cost?: boolean }[];
    /** what the approver was shown when the card went out (stock, credit); a click is re-checked against it */
    declare facts: CreationOptional<{ availableBySku?: Record<string, number>; creditOverByFen?: number } | null>;
    declare status: CreationOptional<(typeof APPROVAL_STEP_STATUS.values)[number]>;
    declare remindedAt: Date | null;
    declare escalatedAt: Date | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ApprovalStep.init(
    {
      id: pk(),
      approvalRequestId: fk('approval_requests', { onDelete: 'CASCADE' }),
      stepNo: qty(),
      approverRole: enumOf(APPROVER_ROLES),
      approverUserId: fk('users'),
      reasons: json([]),
      facts: json(null),
      status: status(APPROVAL_STEP_STATUS.values, 'waiting'),
      remindedAt: instant(),
      escalatedAt: instant(),
      ...stamps(),
    },
    tableOptions(sequelize, 'approval_steps', [
      { unique: true, fields: ['approval_request_id', 'step_no'] },
      { fields: ['approver_user_id', 'status'] },
    ]),
  );

  class ApprovalDecision extends Model<InferAttributes<ApprovalDecision>, InferCreationAttributes<ApprovalDecision>> {
    declare id: CreationOptional<number>;
    declare approvalStepId: number;
    declare userId: number;
    declare decision: (typeof DECISION.values)[number];
    declare comment: string | null;
    /** where the click was made (lark, dingtalk, wecom, wechaty, console); null before it was recorded */
    declare via: CreationOptional<string | null>;
    declare decidedAt: Date;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ApprovalDecision.init(
    {
      id: pk(),
      approvalStepId: fk('approval_steps', { onDelete: 'CASCADE' }),
      userId: fk('users'),
      decision: enumOf(DECISION.values),
      comment: text(),
      via: str(16, { nullable: true }),
      decidedAt: instant(false),
      ...stamps(),
    },
    tableOptions(sequelize, 'approval_decisions', [{ unique: true, fields: ['approval_step_id'] }]),
  );
  return { ApprovalRequest, ApprovalStep, ApprovalDecision };
}
