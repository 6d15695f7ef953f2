import type { Sequelize } from 'sequelize';
import { defineApproval } from './approval';
import { defineAuditLog } from './audit-log';
import { defineBindCode } from './bind-code';
import { defineChannelEvent } from './channel-event';
import { defineChannelSend } from './channel-send';
import { defineConsoleSession } from './console-session';
import { defineContract } from './contract';
import { defineCustomer } from './customer';
import { defineDelivery } from './delivery';
import { defineFlowSignal } from './flow-signal';
import { defineIdentity } from './identity';
import { defineInvoice } from './invoice';
import { defineLead } from './lead';
import { defineLeadAssignment } from './lead-assignment';
import { defineOpportunity } from './opportunity';
import { defineOrganisation } from './organisation';
import { defineOutbox } from './outbox';
import { definePayment } from './payment';
import { defineProduct } from './product';
import { definePurchasing } from './purchasing';
import { defineQuote } from './quote';
import { defineReceivable } from './receivable';
import { defineReturn } from './return';
import { defineSalesOrder } from './sales-order';
import { defineSequence } from './sequence';
import { defineServiceTicket } from './service-ticket';
import { defineShipment } from './shipment';
import { defineStock } from './stock';
import { defineTask } from './task';
import { defineWeComMessage } from './wecom-message';
import { defineWorkOrder } from './work-order';

/**
 * Models are defined per Sequelize instance (not as module-level classes) so that one process
 * can hold a SQLite and a PostgreSQL database at once: the tests run the same code on both.
 */
export function defineModels(sequelize: Sequelize) {
  const m = {
    ...defineOrganisation(sequelize),
    ...defineIdentity(sequelize),
    ...defineCustomer(sequelize),
    ...defineLead(sequelize),
    ...defineLeadAssignment(sequelize),
    ...defineOpportunity(sequelize),
    ...defineProduct(sequelize),
    ...defineStock(sequelize),
    ...defineQuote(sequelize),
    ...defineContract(sequelize),
    ...defineSalesOrder(sequelize),
    ...defineShipment(sequelize),
    ...defineReceivable(sequelize),
    ...defineInvoice(sequelize),
    ...definePayment(sequelize),
    ...definePurchasing(sequelize),
    ...defineWorkOrder(sequelize),
    ...defineServiceTicket(sequelize),
    ...defineReturn(sequelize),
    ...defineTask(sequelize),
    ...defineApproval(sequelize),
    ...defineAuditLog(sequelize),
    ...defineOutbox(sequelize),
    ...defineDelivery(sequelize),
    ...defineChannelEvent(sequelize),
    ...defineChannelSend(sequelize),
    ...defineBindCode(sequelize),
    ...defineConsoleSession(sequelize),
    ...defineFlowSignal(sequelize),
    ...defineSequence(sequelize),
    ...defineWeComMessage(sequelize),
  };
  associate(m);
  return m;
}

export type Models = ReturnType<typeof defineModels>;

/** Associations for eager loading only: the columns and their constraints are declared in each model. */
function associate(m: Omit<Models, never>): void {
  const c = { constraints: false };
  m.User.belongsTo(m.Role, { as: 'role', foreignKey: 'roleCode', targetKey: 'code', ...c });
  m.User.belongsTo(m.Team, { as: 'team', foreignKey: 'teamId', ...c });
  m.ChannelIdentity.belongsTo(m.User, { as: 'user', foreignKey: 'userId', ...c });
  m.Customer.belongsTo(m.User, { as: 'owner', foreignKey: 'ownerUserId', ...c });
  m.Customer.hasMany(m.Contact, { as: 'contacts', foreignKey: 'customerId', ...c });
  m.Lead.hasMany(m.FollowUp, { as: 'followUps', foreignKey: 'leadId', ...c });
  m.Opportunity.belongsTo(m.Customer, { as: 'customer', foreignKey: 'customerId', ...c });
  m.Product.hasMany(m.PriceTier, { as: 'tiers', foreignKey: 'productId', ...c });
  m.Product.hasMany(m.BomLine, { as: 'bom', foreignKey: 'productId', ...c });
  m.Product.hasMany(m.StockLevel, { as: 'stock', foreignKey: 'productId', ...c });
  m.StockLevel.belongsTo(m.Warehouse, { as: 'warehouse', foreignKey: 'warehouseId', ...c });
  m.StockLevel.belongsTo(m.Product, { as: 'product', foreignKey: 'productId', ...c });
  m.Quote.hasMany(m.QuoteLine, { as: 'lines', foreignKey: 'quoteId', ...c });
  m.Quote.belongsTo(m.Customer, { as: 'customer', foreignKey: 'customerId', ...c });
  m.QuoteLine.belongsTo(m.Product, { as: 'product', foreignKey: 'productId', ...c });
  m.SalesOrder.hasMany(m.SalesOrderLine, { as: 'lines', foreignKey: 'salesOrderId', ...c });
  m.SalesOrder.belongsTo(m.Customer, { as: 'customer', foreignKey: 'customerId', ...c });
  m.SalesOrder.hasMany(m.Shipment, { as: 'shipments', foreignKey: 'salesOrderId', ...c });
  m.SalesOrderLine.belongsTo(m.Product, { as: 'product', foreignKey: 'productId', ...c });
  m.Shipment.hasMany(m.ShipmentLine, { as: 'lines', foreignKey: 'shipmentId', ...c });
  m.Receivable.belongsTo(m.Customer, { as: 'customer', foreignKey: 'customerId', ...c });
  m.Payment.hasMany(m.PaymentAllocation, { as: 'allocations', foreignKey: 'paymentId', ...c });
  m.PurchaseOrder.hasMany(m.PurchaseOrderLine, { as: 'lines', foreignKey: 'purchaseOrderId', ...c });
  m.GoodsReceipt.hasMany(m.GoodsReceiptLine, { as: 'lines', foreignKey: 'goodsReceiptId', ...c });
  m.Return.hasMany(m.ReturnLine, { as: 'lines', foreignKey: 'returnId', ...c });
  m.ApprovalRequest.hasMany(m.ApprovalStep, { as: 'steps', foreignKey: 'approvalRequestId', ...c });
  m.ApprovalStep.hasOne(m.ApprovalDecision, { as: 'decision', foreignKey: 'approvalStepId', ...c });
}
