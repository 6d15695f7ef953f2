import { invalid } from './errors';

/**
 * A useful subset of Temporal's visibility query language, compiled to SQL over the runs
 * table: WorkflowId, WorkflowType, ExecutionStatus, StartTime, CloseTime, ExecutionTime,
 * TaskQueue and keyword search attributes; = != > >= < <= IN (…) STARTS_WITH, IS NULL;
 * AND, OR, NOT and parentheses; ORDER BY StartTime|CloseTime ASC|DESC.
 */

const COLUMNS: Record<string, { sql: string; kind: 'text' | 'time' | 'status' }> = {
  WorkflowId: { sql: 'workflow_id', kind: 'text' },
  WorkflowType: { sql: 'workflow_type', kind: 'text' },
  TaskQueue: { sql: 'task_queue', kind: 'text' },
  RunId: { sql: 'run_id', kind: 'text' },
  ExecutionStatus: { sql: 'status', kind: 'status' },
  StartTime: { sql: 'start_ms', kind: 'time' },
  CloseTime: { sql: 'close_ms', kind: 'time' },
  ExecutionTime: { sql: 'execution_ms', kind: 'time' },
};

const STATUSES = ['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'];
const statusCode = (s: string) => {
  const hit = STATUSES.find((x) => x.toLowerCase() === s.toLowerCase());
  if (!hit) throw invalid(`invalid ExecutionStatus value '${s}': expected one of ${STATUSES.join(', ')}`);
  return `WORKFLOW_EXECUTION_STATUS_${hit.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
};

type Tok = { t: 'id' | 'str' | 'num' | 'op' | 'lp' | 'rp' | 'comma'; v: string };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  const re =
    /\s*(?:(\()|(\))|(,)|(>=|<=|!=|=|>|<)|'((?:[^'\\]|\\.|'')*)'|"((?:[^"\\]|\\.)*)"|`([^`]+)`|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w.]*))/y;
  let i = 0;
  while (i < q.length) {
    if (/^\s*$/.test(q.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(q);
    if (!m) throw invalid(`invalid query near: ${q.slice(i, i + 20)}`);
    i = re.lastIndex;
    if (m[1]) out.push({ t: 'lp', v: '(' });
    else if (m[2]) out.push({ t: 'rp', v: ')' });
    else if (m[3]) out.push({ t: 'comma', v: ',' });
    else if (m[4]) out.push({ t: 'op', v: m[4] });
    else if (m[5] !== undefined) out.push({ t: 'str', v: m[5].replace(/''/g, "'").replace(/\\(.)/g, '$1') });
    else if (m[6] !== undefined) out.push({ t: 'str', v: m[6].replace(/\\(.)/g, '$1') });
    else if (m[7]) out.push({ t: 'id', v: m[7] });
    else if (m[8]) out.push({ t: 'num', v: m[8] });
    else if (m[9]) out.push({ t: 'id', v: m[9] });
  }
  return out;
}

export interface CompiledQuery {
  where: string;
  params: unknown[];
  orderBy: string;
}

export function compileQuery(query: string): CompiledQuery {
  const toks = tokenize(query ?? '');
  let pos = 0;
  const params: unknown[] = [];
  const peek = () => toks[pos];
  const isWord = (w: string) => peek()?.t === 'id' && peek()!.v.toUpperCase() === w;
  const expectTok = (t: Tok['t']) => {
    const k = toks[pos++];
    if (!k || k.t !== t) throw invalid(`invalid query: expected ${t} at token ${pos}`);
    return k;
  };

  const value = (kind: string): unknown => {
    const k = toks[pos++];
    if (!k || (k.t !== 'str' && k.t !== 'num')) throw invalid('invalid query: expected a value');
    if (kind === 'status') return statusCode(k.v);
    if (kind === 'time') {
      const ms = k.t === 'num' ? Number(k.v) : Date.parse(k.v);
      if (Number.isNaN(ms)) throw invalid(`invalid time value '${k.v}': expected RFC 3339, e.g. 2026-11-23T00:00:00Z`);
      return ms;
    }
    return k.t === 'num' ? Number(k.v) : k.v;
  };

  const comparison = (): string => {
    const field = expectTok('id').v;
    const col = COLUMNS[field];
    // a custom search attribute: keyword lists match when any element matches
    const lhs = col ? col.sql : `json_extract(search_attrs, ?)`;
    const lhsParams = col ? [] : [`$."${field.replace(/"/g, '')}"`];
    const kind = col?.kind ?? 'text';
    const bind = (v: unknown) => {
      params.push(...lhsParams, v);
      return col ? `${lhs} %s ?` : `(${lhs} %s ? OR EXISTS (SELECT 1 FROM json_each(search_attrs, ?) WHERE value %s ?))`;
    };
    if (isWord('IS')) {
      pos++;
      const not = isWord('NOT');
      if (not) pos++;
      if (!isWord('NULL')) throw invalid('invalid query: expected NULL after IS');
      pos++;
      params.push(...lhsParams);
      return `${lhs} IS ${not ? 'NOT ' : ''}NULL`;
    }
    if (isWord('IN') || (isWord('NOT') && toks[pos + 1]?.v.toUpperCase() === 'IN')) {
      const not = isWord('NOT');
      pos += not ? 2 : 1;
      expectTok('lp');
      const vals: unknown[] = [value(kind)];
      while (peek()?.t === 'comma') {
        pos++;
        vals.push(value(kind));
      }
      expectTok('rp');
      params.push(...lhsParams, ...vals);
      return `${lhs} ${not ? 'NOT ' : ''}IN (${vals.map(() => '?').join(',')})`;
    }
    if (isWord('STARTS_WITH')) {
      pos++;
      const v = String(value(kind));
      params.push(...lhsParams, `${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      return `${lhs} LIKE ? ESCAPE '\\'`;
    }
    const op = expectTok('op').v;
    const v = value(kind);
    const sql = bind(v).replace(/%s/g, op === '!=' ? '<>' : op);
    if (!col) params.push(`$."${field.replace(/"/g, '')}"`, v);
    return sql;
  };

  const primary = (): string => {
    if (isWord('NOT')) {
      pos++;
      return `NOT (${primary()})`;
    }
    if (peek()?.t === 'lp') {
      pos++;
      const inner = or();
      expectTok('rp');
      return `(${inner})`;
    }
    return comparison();
  };
  const and = (): string => {
    const parts = [primary()];
    while (isWord('AND')) {
      pos++;
      parts.push(primary());
    }
    return parts.join(' AND ');
  };
  const or = (): string => {
    const parts = [and()];
    while (isWord('OR')) {
      pos++;
      parts.push(and());
    }
    return parts.length > 1 ? `(${parts.join(' OR ')})` : (parts[0] as string);
  };

  const where = toks.length === 0 || isWord('ORDER') ? '1=1' : or();
  let orderBy = 'start_ms DESC, run_id';
  if (isWord('ORDER')) {
    pos++;
    if (!isWord('BY')) throw invalid('invalid query: expected BY after ORDER');
    pos++;
    const field = expectTok('id').v;
    const col = COLUMNS[field];
    if (col?.kind !== 'time') throw invalid(`invalid query: ORDER BY supports StartTime, CloseTime, ExecutionTime, not ${field}`);
    const dir = isWord('ASC') || isWord('DESC') ? toks[pos++]!.v.toUpperCase() : 'DESC';
    orderBy = `${col.sql} ${dir}, run_id`;
  }
  if (pos < toks.length) throw invalid(`invalid query: unexpected '${toks[pos]!.v}'`);
  return { where, params, orderBy };
}
