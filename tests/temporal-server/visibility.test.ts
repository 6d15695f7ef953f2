import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../temporal-server/visibility';

describe('visibility query compiler', () => {
  it.each([
    ['', '1=1', []],
    ["WorkflowType = 'quoteToCash'", 'workflow_type = ?', ['quoteToCash']],
    ["ExecutionStatus = 'Running'", 'status = ?', ['WORKFLOW_EXECUTION_STATUS_RUNNING']],
    ["ExecutionStatus != 'ContinuedAsNew'", 'status <> ?', ['WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW']],
    ["StartTime >= '2026-11-23T00:00:00Z'", 'start_ms >= ?', [Date.parse('2026-11-23T00:00:00Z')]],
    ["WorkflowId STARTS_WITH 'q2c-'", "workflow_id LIKE ? ESCAPE '\\'", ['q2c-%']],
    ["WorkflowType IN ('a', 'b')", 'workflow_type IN (?,?)', ['a', 'b']],
    ['CloseTime IS NULL', 'close_ms IS NULL', []],
    [
      "(WorkflowType = 'a' OR WorkflowType = 'b') AND ExecutionStatus = 'Completed'",
      '((workflow_type = ? OR workflow_type = ?)) AND status = ?',
      ['a', 'b', 'WORKFLOW_EXECUTION_STATUS_COMPLETED'],
    ],
  ])('%j', (query, where, params) => {
    const q = compileQuery(query);
    expect(q.where).toBe(where);
    expect(q.params).toEqual(params);
  });

  it('matches keyword search attributes, lists included', () => {
    const q = compileQuery("CustomerId = 'C0001'");
    expect(q.where).toContain('json_each');
    expect(q.params).toEqual(['$."CustomerId"', 'C0001', '$."CustomerId"', 'C0001']);
  });

  it('orders by a time column', () => {
    expect(compileQuery('ORDER BY CloseTime ASC').orderBy).toBe('close_ms ASC, run_id');
    expect(compileQuery("WorkflowType = 'x' ORDER BY StartTime").orderBy).toBe('start_ms DESC, run_id');
  });

  it.each([
    ["ExecutionStatus = 'Sleeping'", /ExecutionStatus value 'Sleeping'/],
    ["StartTime > 'yesterday'", /invalid time value/],
    ["WorkflowType = 'a' AND", /expected id/],
    ["WorkflowType 'a'", /expected op/],
    ['ORDER BY WorkflowType', /ORDER BY supports/],
    ["WorkflowType = 'a' extra", /unexpected 'extra'/],
  ])('refuses %j with a clear message', (query, message) => {
    expect(() => compileQuery(query)).toThrow(message);
  });
});
