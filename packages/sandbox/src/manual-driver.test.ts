import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_START } from "./clock.js";
import { manualDriver } from "./manual-driver.js";
import { startSandbox, type Sandbox } from "./sandbox.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterAll(() => sandbox.close());

describe("manualDriver", () => {
  it("fires timers only while no request is in flight, so that a 1 ms request timeout never fires mid-request", async () => {
    const driver = manualDriver(sandbox);
    const timers = sandbox.control.timers();
    const statuses: number[] = [];
    const routine = async () => {
      for (let check = 0; check < 3; check += 1) {
        await new Promise<void>((resolve) => timers.setTimer(resolve, 1_000));
        let timedOut = false;
        const cancel = timers.setTimer(() => (timedOut = true), 1);
        const response = await driver.fetch(new Request(`${sandbox.url}/Mediapartners/IRNOONE/Jobs`));
        await response.arrayBuffer();
        cancel();
        if (timedOut) throw new Error("a timer fired while a request was in flight");
        statuses.push(response.status);
      }
      return sandbox.control.clock.now();
    };
    expect(await driver.drive(routine())).toBe(SANDBOX_START + 3_000);
    expect(statuses).toEqual([401, 401, 401]);
  });

  it("settles as the driven promise does: a rejection passes through, and a timer armed before it is not fired", async () => {
    const driver = manualDriver(sandbox);
    const timers = sandbox.control.timers();
    const before = sandbox.control.clock.now();
    let fired = false;
    const cancel = timers.setTimer(() => (fired = true), 1_000);
    await expect(driver.drive(Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    expect(fired).toBe(false);
    expect(sandbox.control.clock.now()).toBe(before);
    cancel();
  });

  it("leaves no wait for a timer behind when the promise settles by itself: a timer armed afterwards is not fired", async () => {
    const driver = manualDriver(sandbox);
    const timers = sandbox.control.timers();
    let settle!: () => void;
    const driven = driver.drive(new Promise<void>((resolve) => (settle = resolve)));
    // No timer is armed: the driver waits for one.
    await driver.quiet();
    settle();
    await driven;
    const before = sandbox.control.clock.now();
    let fired = false;
    const cancel = timers.setTimer(() => (fired = true), 1_000);
    await driver.quiet();
    expect(fired).toBe(false);
    expect(sandbox.control.clock.now()).toBe(before);
    cancel();
  });
});
