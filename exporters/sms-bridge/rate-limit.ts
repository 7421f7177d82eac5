/** A sliding-window limit: at most `max` events in any `windowMs` (max_alerts_per_hour). */
export class SlidingWindowLimit {
  private readonly events: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot if one is free; false when the window is full. */
  tryTake(): boolean {
    const t = this.now();
    while (this.events.length > 0 && this.events[0] <= t - this.windowMs) this.events.shift();
    if (this.events.length >= this.max) return false;
    this.events.push(t);
    return true;
  }

  get used(): number {
    const t = this.now();
    return this.events.filter((e) => e > t - this.windowMs).length;
  }
}
