import type { Channel } from '../../bot/delivery/channel';

/** real time the clock lets pass before it moves on, so work that is not waiting (database reads) reaches its next wait */
const QUIET_MS = 5;

/**
 * A clock for tests of send limits over minutes: the dispatcher's waiting for room under a
 * limit moves it on, to the earliest wake first, instead of taking that long. Time stands still
 * while a send is on its way (`around` a channel counts them), so a message goes out at the
 * moment the limiter let it go and the platform side records it at that moment, as with a
 * real clock.
 */
export class VirtualClock {
  private at = Date.now();
  private sending = 0;
  private readonly sleepers: { wake: number; resolve: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;

  readonly now = (): number => this.at;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.sleepers.push({ wake: this.at + ms, resolve });
      this.schedule();
    });

  /** the channel with its sends counted (waiting between the parts of one send is waiting, not sending) */
  around(channel: Channel): Channel {
    return {
      name: channel.name,
      addressOf: (u) => channel.addressOf(u),
      send: async (m) => {
        this.sending++;
        try {
          const pace = m.pace;
          return await channel.send({
            ...m,
            ...(pace
              ? {
                  pace: async () => {
                    this.sending--;
                    try {
                      await pace();
                    } finally {
                      this.sending++;
                    }
                  },
                }
              : {}),
          });
        } finally {
          this.sending--;
        }
      },
    };
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.advance();
    }, QUIET_MS);
  }

  private advance(): void {
    if (this.sleepers.length === 0) return;
    if (this.sending === 0) {
      this.sleepers.sort((a, b) => a.wake - b.wake);
      this.at = Math.max(this.at, (this.sleepers[0] as { wake: number }).wake);
      while (this.sleepers.length && (this.sleepers[0] as { wake: number }).wake <= this.at) this.sleepers.shift()?.resolve();
    }
    if (this.sleepers.length) this.schedule();
  }
}
