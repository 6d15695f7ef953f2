import type { Card } from './card';

/** The web console's rendering of a neutral card: every text escaped, buttons carry their action. */
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function renderHtml(card: Card): string {
  const parts: string[] = [`<section class="card" data-card-id="${esc(card.id)}">`, `<h3>${esc(card.title)}</h3>`];
  if (card.status) parts.push(`<p class="status ${card.status.tone}">${esc(card.status.text)}</p>`);
  if (card.fields?.length) {
    parts.push('<dl>', ...card.fields.map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd>`), '</dl>');
  }
  if (card.table) {
    const align = (i: number) => (card.table?.align?.[i] === 'right' ? ' class="num"' : '');
    parts.push(
      '<table>',
      `<thead><tr>${card.table.columns.map((c, i) => `<th${align(i)}>${esc(c)}</th>`).join('')}</tr></thead>`,
      `<tbody>${card.table.rows.map((r) => `<tr>${r.map((c, i) => `<td${align(i)}>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody>`,
      '</table>',
    );
  }
  if (card.notes?.length) parts.push(`<ul class="notes">${card.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  if (card.buttons?.length) {
    parts.push(
      '<div class="buttons">',
      ...card.buttons.map(
        (b) =>
          `<button type="button" class="${b.style ?? 'default'}" data-action="${esc(b.action)}" data-value="${esc(JSON.stringify(b.value))}">${esc(b.text)}</button>`,
      ),
      '</div>',
    );
  }
  parts.push('</section>');
  return parts.join('');
}
