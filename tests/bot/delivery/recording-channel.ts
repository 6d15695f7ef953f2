import type { Channel, ChannelUser, Outbound } from '../../../bot/delivery/channel';
import { DeliveryError } from '../../../bot/delivery/delivery-error';

/**
 * A channel for the dispatcher's own tests: it records every send (with the time it was
 * made and the platform id it got) and fails on demand the way a platform does. A resend with
 * the same uuid gets the first send's message id and is not shown twice, as on Lark.
 */
export class RecordingChannel implements Channel {
  readonly sends: (Outbound & { at: number; platformMessageId: string })[] = [];
  /** what the user would see: one entry per distinct message */
  readonly shown = new Map<string, Outbound>();
  private readonly byUuid = new Map<string, string>();
  private readonly failures: ((m: Outbound) => DeliveryError | null)[] = [];
  private next = 1;

  constructor(
    readonly name: string,
    private readonly directory: (u: ChannelUser) => string | null = (u) => `ou_${u.login}`,
  ) {}

  async addressOf(user: ChannelUser): Promise<string | null> {
    return this.directory(user);
  }

  /** the next `n` sends (matching `when`) fail with this error */
  failNext(n: number, error: () => DeliveryError, when: (m: Outbound) => boolean = () => true): void {
    let left = n;
    this.failures.push((m) => {
      if (left <= 0 || !when(m)) return null;
      left--;
      return error();
    });
  }

  async send(m: Outbound): Promise<{ platformMessageId: string | null }> {
    await new Promise((r) => setImmediate(r));
    for (const f of this.failures) {
      const e = f(m);
      if (e) throw e;
    }
    if (m.kind === 'card_update') {
      this.sends.push({ ...m, at: Date.now(), platformMessageId: m.messageIds[0] as string });
      for (const id of m.messageIds) this.shown.set(id, m);
      return { platformMessageId: null };
    }
    const known = this.byUuid.get(m.uuid);
    const platformMessageId = known ?? `om_${this.next++}`;
    this.byUuid.set(m.uuid, platformMessageId);
    this.sends.push({ ...m, at: Date.now(), platformMessageId });
    if (!known) this.shown.set(platformMessageId, m);
    return { platformMessageId };
  }

  sendsTo(externalId: string) {
    return this.sends.filter((s) => s.externalId === externalId);
  }
}

export const serverError = () => new DeliveryError('HTTP 503', { retryable: true, code: 503 });
export const refused = () => new DeliveryError('[230013] receive id not found', { retryable: false, code: 230013 });
export const tooFast = () =>
  new DeliveryError('[230020] frequency limit', { retryable: true, rateLimited: true, retryAfterMs: 50, code: 230020 });
