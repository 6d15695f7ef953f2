/**
 * Every status and enumerated value of the business objects, with the Chinese names of
 * MISSION.md. Codes are stored in the database (stable, ASCII); labels are what users read.
 */

function labelled<const T extends Record<string, { zh: string; en: string }>>(map: T) {
  return { values: Object.keys(map) as (keyof T & string)[], labels: map };
}

export const ORDER_STATUS = labelled({
  draft: { zh: '草稿', en: 'Draft' },
  pending_approval: { zh: '待审批', en: 'Pending approval' },
  pending_payment: { zh: '待付款', en: 'Awaiting prepayment' },
  to_ship: { zh: '待发货', en: 'To ship' },
  partially_shipped: { zh: '部分发货', en: 'Partially shipped' },
  shipped: { zh: '已发货', en: 'Shipped' },
  delivered: { zh: '已签收', en: 'Delivered' },
  completed: { zh: '已完成', en: 'Completed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
});

export const QUOTE_STATUS = labelled({
  draft: { zh: '草稿', en: 'Draft' },
  pending_approval: { zh: '待审批', en: 'Pending approval' },
  approved: { zh: '已批准', en: 'Approved' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  converted: { zh: '已转订单', en: 'Converted to order' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  expired: { zh: '已过期', en: 'Expired' },
});

export const LEAD_SOURCE = labelled({
  website: { zh: '官网表单', en: 'Website form' },
  expo: { zh: '展会', en: 'Trade show' },
  phone: { zh: '电话', en: 'Phone' },
  referral: { zh: '转介绍', en: 'Referral' },
  manual: { zh: '手工录入', en: 'Manual entry' },
});

export const LEAD_STATUS = labelled({
  new: { zh: '新线索', en: 'New' },
  interested: { zh: '意向', en: 'Interested' },
  strong: { zh: '意向强烈', en: 'Strong interest' },
  invalid: { zh: '无效', en: 'Invalid' },
  converted: { zh: '已转化', en: 'Converted' },
});

export const OPPORTUNITY_STAGE = labelled({
  initial: { zh: '初步接触', en: 'Initial contact' },
  needs: { zh: '需求分析', en: 'Needs analysis' },
  proposal: { zh: '方案报价', en: 'Proposal' },
  negotiation: { zh: '商务谈判', en: 'Negotiation' },
  won: { zh: '赢单', en: 'Won' },
  lost: { zh: '输单', en: 'Lost' },
});

export const RECEIVABLE_STATUS = labelled({
  open: { zh: '未收款', en: 'Open' },
  partially_paid: { zh: '部分收款', en: 'Partially paid' },
  paid: { zh: '已收款', en: 'Paid' },
  void: { zh: '已作废', en: 'Void' },
});

export const CONTRACT_STATUS = labelled({
  draft: { zh: '草稿', en: 'Draft' },
  pending_approval: { zh: '待审批', en: 'Pending approval' },
  active: { zh: '生效中', en: 'Active' },
  expired: { zh: '已到期', en: 'Expired' },
  terminated: { zh: '已终止', en: 'Terminated' },
});

export const SHIPMENT_STATUS = labelled({
  shipped: { zh: '已发货', en: 'Shipped' },
  delivered: { zh: '已签收', en: 'Delivered' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
});

export const INVOICE_STATUS = labelled({
  requested: { zh: '待开票', en: 'Requested' },
  issued: { zh: '已开票', en: 'Issued' },
  void: { zh: '已作废', en: 'Void' },
});

export const RESERVATION_STATUS = labelled({
  active: { zh: '锁定中', en: 'Active' },
  consumed: { zh: '已出库', en: 'Consumed' },
  released: { zh: '已释放', en: 'Released' },
});

export const STOCK_MOVE_TYPE = labelled({
  in: { zh: '入库', en: 'In' },
  out: { zh: '出库', en: 'Out' },
  adjust: { zh: '盘点调整', en: 'Adjustment' },
  return: { zh: '退货入库', en: 'Return' },
});

export const REQUISITION_STATUS = labelled({
  pending: { zh: '待审批', en: 'Pending' },
  approved: { zh: '已批准', en: 'Approved' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  ordered: { zh: '已下单', en: 'Ordered' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
});

export const PURCHASE_ORDER_STATUS = labelled({
  ordered: { zh: '已下单', en: 'Ordered' },
  partially_received: { zh: '部分入库', en: 'Partially received' },
  received: { zh: '已入库', en: 'Received' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
});

export const WORK_ORDER_STATUS = labelled({
  planned: { zh: '待生产', en: 'Planned' },
  in_production: { zh: '生产中', en: 'In production' },
  completed: { zh: '已完工', en: 'Completed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
});

export const TICKET_TYPE = labelled({
  complaint: { zh: '投诉', en: 'Complaint' },
  repair: { zh: '维修', en: 'Repair' },
  revisit: { zh: '回访', en: 'Follow-up visit' },
});

export const TICKET_STATUS = labelled({
  open: { zh: '待处理', en: 'Open' },
  in_progress: { zh: '处理中', en: 'In progress' },
  resolved: { zh: '已解决', en: 'Resolved' },
  closed: { zh: '已关闭', en: 'Closed' },
});

export const RETURN_TYPE = labelled({
  return: { zh: '退货', en: 'Return' },
  exchange: { zh: '换货', en: 'Exchange' },
});

export const RETURN_STATUS = labelled({
  requested: { zh: '已申请', en: 'Requested' },
  received: { zh: '已收货', en: 'Goods received' },
  completed: { zh: '已完成', en: 'Completed' },
  rejected: { zh: '已拒绝', en: 'Rejected' },
});

export const TASK_STATUS = labelled({
  open: { zh: '待办', en: 'Open' },
  done: { zh: '已完成', en: 'Done' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
});

export const TASK_PRIORITY = labelled({
  low: { zh: '低', en: 'Low' },
  normal: { zh: '中', en: 'Normal' },
  high: { zh: '高', en: 'High' },
  urgent: { zh: '紧急', en: 'Urgent' },
});

export const APPROVAL_SUBJECT = labelled({
  quote: { zh: '报价审批', en: 'Quote approval' },
  credit_override: { zh: '超信用额度审批', en: 'Credit override' },
  requisition: { zh: '采购申请审批', en: 'Requisition approval' },
  contract: { zh: '合同审批', en: 'Contract approval' },
});

export const APPROVAL_STATUS = labelled({
  pending: { zh: '审批中', en: 'Pending' },
  approved: { zh: '已通过', en: 'Approved' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  cancelled: { zh: '已撤回', en: 'Cancelled' },
});

export const APPROVAL_STEP_STATUS = labelled({
  waiting: { zh: '未开始', en: 'Waiting' },
  pending: { zh: '待审批', en: 'Pending' },
  approved: { zh: '已通过', en: 'Approved' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  skipped: { zh: '已跳过', en: 'Skipped' },
});

export const DECISION = labelled({
  approve: { zh: '同意', en: 'Approve' },
  reject: { zh: '驳回', en: 'Reject' },
});

export const CHANNEL = labelled({
  lark: { zh: '飞书', en: 'Lark' },
  dingtalk: { zh: '钉钉', en: 'DingTalk' },
  wecom: { zh: '企业微信', en: 'WeCom' },
  wechaty: { zh: '微信', en: 'WeChat' },
  console: { zh: '网页控制台', en: 'Web console' },
});

export const DATA_SCOPE = labelled({
  own: { zh: '本人', en: 'Own' },
  team: { zh: '本团队', en: 'Team' },
  all: { zh: '全部', en: 'All' },
});
