import { CODES, invalidParam, type LarkAnswer, larkError } from './codes';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses `content` (a JSON string, as Lark wants it) and checks its shape for `msgType`. */
export function parseContent(msgType: unknown, content: unknown): { value: unknown } | { error: LarkAnswer } {
  if (msgType !== 'text' && msgType !== 'post' && msgType !== 'interactive') {
    return { error: invalidParam(`msg_type ${String(msgType)} not supported by the fake`) };
  }
  if (typeof content !== 'string') return { error: invalidParam('content must be a JSON string') };
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { error: invalidParam('content is not valid JSON') };
  }
  if (!isObject(value)) return { error: invalidParam('content must be a JSON object') };
  if (msgType === 'text' && typeof value.text !== 'string') return { error: invalidParam('text content needs {text}') };
  if (msgType === 'post' && !isPost(value)) return { error: invalidParam('post content needs {<locale>: {content: [[…]]}}') };
  if (msgType === 'interactive') {
    const why = cardProblem(value);
    if (why) return { error: larkError(400, CODES.cardContent, `Failed to create card content, ext=${why}`) };
  }
  return { value };
}

function isPost(v: Record<string, unknown>): boolean {
  const locales = isObject(v.post) ? v.post : v;
  return Object.values(locales).some((l) => isObject(l) && Array.isArray(l.content) && l.content.every(Array.isArray));
}

/** The fake checks only what it can: card JSON 2.0 with body.elements. */
export function cardProblem(card: Record<string, unknown>): string | undefined {
  if (card.schema !== '2.0') return 'schema must be "2.0"';
  if (!isObject(card.body) || !Array.isArray(card.body.elements)) return 'body.elements must be an array';
  if (!card.body.elements.every((e) => isObject(e) && typeof e.tag === 'string')) return 'every element needs a tag';
  return undefined;
}

export function isUpdatableCard(card: unknown): boolean {
  return isObject(card) && card.schema === '2.0' && isObject(card.config) && card.config.update_multi === true;
}
