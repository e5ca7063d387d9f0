import { describe, expect, it } from "vitest";
import { followClock, ManualClock, ScaledClock } from "./clock.js";

describe("clocks", () => {
  it("a scaled clock runs `scale` times faster, and its timers follow it", async () => {
    let real = 1_000;
    const clock = new ScaledClock(600, 5_000_000, () => real);
    real += 10;
    expect(clock.now()).toBe(5_006_000);
    expect(clock.scale).toBe(600);
    const timers = followClock(new ScaledClock(1_000));
    const started = performance.now();
    await new Promise<void>((resolve) => timers.setTimer(resolve, 20_000));
    expect(performance.now() - started).toBeLessThan(2_000);
    const cancelled = { fired: false };
    timers.setTimer(() => (cancelled.fired = true), 1_000)();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancelled.fired).toBe(false);
  });

  it("a manual clock moves only forward, and only when told", () => {
    const clock = new ManualClock(0);
    clock.advance(5);
    expect(clock.now()).toBe(5);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(1)).toThrow("never moves backward");
  });
});
