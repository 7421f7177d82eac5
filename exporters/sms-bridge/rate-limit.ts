/**
 * A sliding-window limit: at most `max` events in any `windowMs` (max_alerts_per_hour).
 *
 * A slot is reserved before a send and kept only when the send is delivered: `release()` hands it
 * back after a failure, so a provider outage cannot use up the cap (the cap counts deliveries).
 * Reserving first, rather than checking then taking, keeps two concurrent notifications from both
 * passing a full window.
 */
export interface Slot {
  /** Gives the slot back (the send failed). Calling it twice, or after keep(), does nothing. */
  release(): void;
}

export class SlidingWindowLimit {
  private readonly events: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reserves a slot if one is free; undefined when the window is full. */
  reserve(): Slot | undefined {
    const t = this.now();
    while (this.events.length > 0 && this.events[0] <= t - this.windowMs) this.events.shift();
    if (this.events.length >= this.max) return undefined;
    this.events.push(t);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        const i = this.events.lastIndexOf(t);
        if (i >= 0) this.events.splice(i, 1);
      },
    };
  }

  get used(): number {
    const t = this.now();
    return this.events.filter((e) => e > t - this.windowMs).length;
  }
}
