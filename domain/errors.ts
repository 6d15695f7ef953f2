/**
 * Text shown to people is Chinese first, with an English variant for logs, English-speaking
 * staff and tests. Rules throw DomainError when the INPUT is wrong (a typed amount, a
 * quantity, a discount over the cap) so the bot can show `zh` to the user as is; they throw
 * RangeError when a CALLER broke an invariant (a fractional fen), which is a bug, not a reply.
 */
export interface Bilingual {
  zh: string;
  en: string;
}

export class DomainError extends Error {
  readonly zh: string;
  readonly en: string;

  constructor(
    /** stable, for programs: e.g. 'money.invalid', 'pricing.discount_over_max' */
    readonly code: string,
    text: Bilingual,
  ) {
    super(`${text.zh} / ${text.en}`);
    this.name = 'DomainError';
    this.zh = text.zh;
    this.en = text.en;
  }
}
