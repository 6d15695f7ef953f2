import { z } from 'zod';

/**
 * The subset of Lark (Feishu) Card JSON 2.0 this bot emits, as strict zod schemas: 2.0
 * rejects unknown properties (card-json-v2-breaking-changes-release-notes: "传入不支持的属性将报错"),
 * so every object here is `.strict()` and a renderer that adds a stray field fails its test
 * instead of failing in a tenant. Field names come from the public docs:
 *  - table: open.larksuite.com/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-components/content-components/table
 *    (`page_size` 1..10, `columns[]{name, display_name, data_type, horizontal_align, width}`,
 *    `rows[]` objects keyed by column `name`; root only, at most 5 per card);
 *  - form: …/card-json-v2-components/containers/form-container (`name` unique in the card,
 *    root only, no table or form inside; a submit button has `form_action_type: 'submit'`);
 *  - input: `name`, `required`, `placeholder`, `max_length` (1..1000), `label` (plain_text);
 *  - button: `text`, `type`, `behaviors: [{type: 'callback', value}]` (the SDK's handler guides:
 *    the callback value must be an object, not a string);
 *  - header: `title`, `subtitle`, `template` (colour enum), and `config.update_multi`, which
 *    2.0 supports only as `true`.
 * Cross-checked against larksuite/cli skills/lark-im/references/card (form.md, table.md).
 */

export const HEADER_TEMPLATES = [
  'blue',
  'wathet',
  'turquoise',
  'green',
  'yellow',
  'orange',
  'red',
  'carmine',
  'violet',
  'purple',
  'indigo',
  'grey',
  'default',
] as const;

const plainText = z.object({ tag: z.literal('plain_text'), content: z.string() }).strict();
const callbackValue = z.record(z.string(), z.unknown());

export type LarkCallbackBehavior = { type: 'callback'; value: Record<string, unknown> };
export type LarkPlainText = z.infer<typeof plainText>;

export const markdownSchema = z
  .object({
    tag: z.literal('markdown'),
    content: z.string(),
    text_size: z.enum(['normal', 'notation', 'heading']).optional(),
    text_align: z.enum(['left', 'center', 'right']).optional(),
  })
  .strict();

export const hrSchema = z.object({ tag: z.literal('hr') }).strict();

export const divSchema = z
  .object({ tag: z.literal('div'), text: z.object({ tag: z.enum(['plain_text', 'lark_md']), content: z.string() }).strict() })
  .strict();

const tableColumnSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
    display_name: z.string(),
    data_type: z.enum(['text', 'lark_md', 'number']),
    horizontal_align: z.enum(['left', 'center', 'right']).optional(),
    width: z.string().optional(),
  })
  .strict();

export const tableSchema = z
  .object({
    tag: z.literal('table'),
    page_size: z.number().int().min(1).max(10),
    row_height: z.enum(['low', 'middle', 'high', 'auto']).optional(),
    freeze_first_column: z.boolean().optional(),
    header_style: z
      .object({
        text_align: z.enum(['left', 'center', 'right']).optional(),
        background_style: z.enum(['grey', 'none']).optional(),
        bold: z.boolean().optional(),
      })
      .strict()
      .optional(),
    columns: z.array(tableColumnSchema).min(1).max(50),
    rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
  })
  .strict()
  .superRefine((t, ctx) => {
    const names = new Set(t.columns.map((c) => c.name));
    if (names.size !== t.columns.length) ctx.addIssue({ code: 'custom', message: 'column names must be unique' });
    t.rows.forEach((r, i) => {
      for (const k of Object.keys(r)) if (!names.has(k)) ctx.addIssue({ code: 'custom', message: `row ${i} has unknown key ${k}` });
    });
  });

export const buttonSchema = z
  .object({
    tag: z.literal('button'),
    text: plainText,
    type: z.enum(['default', 'primary', 'danger', 'primary_filled', 'danger_filled', 'text']).optional(),
    /** required and unique in the card when the button sits in a form */
    name: z.string().optional(),
    form_action_type: z.enum(['submit', 'reset']).optional(),
    behaviors: z.array(z.object({ type: z.literal('callback'), value: callbackValue }).strict()).optional(),
  })
  .strict();

export const inputSchema = z
  .object({
    tag: z.literal('input'),
    name: z.string(),
    label: plainText.optional(),
    placeholder: plainText.optional(),
    max_length: z.number().int().min(1).max(1000).optional(),
    required: z.boolean().optional(),
    width: z.enum(['default', 'fill']).optional(),
  })
  .strict();

export type LarkMarkdown = z.infer<typeof markdownSchema>;
export type LarkHr = z.infer<typeof hrSchema>;
export type LarkDiv = z.infer<typeof divSchema>;
export type LarkTable = z.infer<typeof tableSchema>;
export type LarkButton = z.infer<typeof buttonSchema>;
export type LarkInput = z.infer<typeof inputSchema>;

export interface LarkColumn {
  tag: 'column';
  width?: 'auto' | 'weighted';
  weight?: number;
  vertical_align?: 'top' | 'center' | 'bottom';
  elements: LarkInner[];
}
export interface LarkColumnSet {
  tag: 'column_set';
  flex_mode?: 'none' | 'stretch' | 'flow' | 'bisect' | 'trisect';
  horizontal_spacing?: string;
  columns: LarkColumn[];
}
export interface LarkForm {
  tag: 'form';
  name: string;
  elements: LarkFormChild[];
}
/** what may sit inside a column: neither table nor form (column-set doc) */
export type LarkInner = LarkMarkdown | LarkHr | LarkDiv | LarkButton | LarkColumnSet;
export type LarkFormChild = LarkMarkdown | LarkHr | LarkDiv | LarkButton | LarkInput | LarkColumnSet;
export type LarkElement = LarkInner | LarkTable | LarkForm;

export const columnSetSchema: z.ZodType<LarkColumnSet> = z.lazy(() =>
  z
    .object({
      tag: z.literal('column_set'),
      flex_mode: z.enum(['none', 'stretch', 'flow', 'bisect', 'trisect']).optional(),
      horizontal_spacing: z.string().optional(),
      columns: z.array(
        z
          .object({
            tag: z.literal('column'),
            width: z.enum(['auto', 'weighted']).optional(),
            weight: z.number().int().min(1).max(5).optional(),
            vertical_align: z.enum(['top', 'center', 'bottom']).optional(),
            elements: z.array(innerSchema),
          })
          .strict(),
      ),
    })
    .strict(),
);

const innerSchema: z.ZodType<LarkInner> = z.lazy(() => z.union([markdownSchema, hrSchema, divSchema, buttonSchema, columnSetSchema]));

export const formSchema: z.ZodType<LarkForm> = z
  .object({
    tag: z.literal('form'),
    name: z.string(),
    elements: z.array(z.union([markdownSchema, hrSchema, divSchema, buttonSchema, inputSchema, columnSetSchema])),
  })
  .strict()
  .superRefine((f, ctx) => {
    // the form doc: a form needs a submit button, and every interactive child a name
    const buttons = f.elements.filter((e): e is LarkButton => e.tag === 'button');
    if (!buttons.some((b) => b.form_action_type === 'submit')) ctx.addIssue({ code: 'custom', message: 'form without a submit button' });
    for (const b of buttons) if (!b.name) ctx.addIssue({ code: 'custom', message: 'a button in a form needs a name' });
  });

const elementSchema: z.ZodType<LarkElement> = z.union([innerSchema, tableSchema, formSchema]);

export const larkCard2Schema = z
  .object({
    schema: z.literal('2.0'),
    config: z.object({ update_multi: z.literal(true), width_mode: z.enum(['compact', 'fill']).optional() }).strict(),
    header: z
      .object({
        title: plainText,
        subtitle: plainText.optional(),
        template: z.enum(HEADER_TEMPLATES),
      })
      .strict(),
    body: z.object({ elements: z.array(elementSchema) }).strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const tables = c.body.elements.filter((e) => e.tag === 'table').length;
    if (tables > 5) ctx.addIssue({ code: 'custom', message: 'at most 5 tables per card' });
    // names identify form fields and submit buttons across the whole card (form doc)
    const names: string[] = [];
    const walk = (els: readonly { tag: string }[]) => {
      for (const e of els as LarkElement[] | LarkFormChild[]) {
        if ((e.tag === 'form' || e.tag === 'input' || e.tag === 'button') && e.name) names.push(e.name);
        if (e.tag === 'form') walk(e.elements);
        if (e.tag === 'column_set') for (const col of e.columns) walk(col.elements);
      }
    };
    walk(c.body.elements);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: `duplicate names: ${names.join(',')}` });
  });

export type LarkCard2 = z.infer<typeof larkCard2Schema>;

/** Throws with zod's message when a card would be refused by Lark; used by tests and as a guard. */
export function assertLarkCard(card: unknown): LarkCard2 {
  return larkCard2Schema.parse(card);
}
