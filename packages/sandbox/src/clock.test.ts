import { describe, expect, it } from "vitest";
import { followClock, ManualClock, manualTimers, SANDBOX_START, ScaledClock } from "./clock.js";

describe("clocks", () => {
  it("both clocks start at SANDBOX_START unless told, whatever the machine's date: a scaled one reads only the monotonic clock", () => {
    expect(new Date(SANDBOX_START).toISOString()).toBe("2026-11-25T12:00:00.000Z");
    expect(new ManualClock().now()).toBe(SANDBOX_START);
    let real = 123_456;
    const scaled = new ScaledClock(60, undefined, () => real);
    expect(scaled.now()).toBe(SANDBOX_START);
    real += 1_000;
    expect(scaled.now()).toBe(SANDBOX_START + 60_000);
  });

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

  it("manual timers fire in order as the clock passes them, and never by themselves", async () => {
    const clock = new ManualClock(0);
    const timers = manualTimers(clock);
    const fired: Array<[string, number]> = [];
    timers.setTimer(() => fired.push(["late", clock.now()]), 300);
    timers.setTimer(() => fired.push(["early", clock.now()]), 100);
    const cancel = timers.setTimer(() => fired.push(["cancelled", clock.now()]), 200);
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual([]);
    expect(clock.pending).toBe(2);
    clock.advance(250);
    expect(fired).toEqual([["early", 250]]);
    clock.advance(100);
    expect(fired).toEqual([
      ["early", 250],
      ["late", 350],
    ]);
    timers.setTimer(() => fired.push(["second", clock.now()]), 20);
    timers.setTimer(() => fired.push(["first", clock.now()]), 10);
    clock.advance(30);
    expect(fired.slice(2)).toEqual([
      ["first", 380],
      ["second", 380],
    ]);
    expect(clock.pending).toBe(0);
  });

  it("a manual timer already due fires without the clock moving", async () => {
    const clock = new ManualClock(10);
    await new Promise<void>((resolve) => clock.setTimer(resolve, 0));
    expect(clock.now()).toBe(10);
  });

  it("runNextTimer waits for a timer to be armed, then moves the clock to it and fires it", async () => {
    const clock = new ManualClock(0);
    let fired = false;
    const next = clock.runNextTimer();
    setImmediate(() => clock.setTimer(() => (fired = true), 6_000));
    await expect(next).resolves.toBe(6_000);
    expect(fired).toBe(true);
    expect(clock.now()).toBe(6_000);
  });
});
