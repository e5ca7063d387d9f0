import { describe, expect, it } from "vitest";
import { JobAbortedError, JobTimeoutError } from "../base/errors.js";
import { PollEngine, type Observation, type PollTarget } from "./poll-engine.js";
import { resolvePollPolicy } from "./poll-policy.js";
import { VirtualTiming, rejection } from "../testing.js";

const policy = resolvePollPolicy({ firstDelayMs: 4_000, minDelayMs: 1_000, maxDelayMs: 8_000, factor: 2, jitter: 0 });

interface Script {
  target: PollTarget<string>;
  /** When each check started (virtual ms from the start). */
  checks: number[];
  signals: AbortSignal[];
}

/** A job whose checks answer `phases` in turn (the last one repeats); a check takes `latencyMs` of virtual time. */
function scripted(timing: VirtualTiming, phases: Array<Observation<string>["phase"] | string>, latencyMs = 0): Script {
  const start = timing.now();
  const checks: number[] = [];
  const signals: AbortSignal[] = [];
  let index = 0;
  return {
    checks,
    signals,
    target: {
      key: "job-1",
      async check(signal) {
        checks.push(timing.now() - start);
        signals.push(signal);
        const status = phases[Math.min(index, phases.length - 1)]!;
        index += 1;
        if (latencyMs > 0) {
          await new Promise<void>((resolve, reject) => {
            const cancel = timing.setTimer(resolve, latencyMs);
            signal.addEventListener("abort", () => (cancel(), reject(signal.reason)));
          });
        }
        const phase = (["pending", "succeeded", "failed"] as const).find((known) => known === status) ?? "unknown";
        return { phase, value: `${status}#${index}`, status, progressKey: status };
      },
      failure: (value) => new Error(`failed: ${value}`),
    },
  };
}

describe("PollEngine", () => {
  it("checks after the first delay, then backs off exponentially to the cap, and resolves on success", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const script = scripted(timing, ["pending", "pending", "pending", "pending", "pending", "succeeded"]);
    const done = engine.wait(script.target, { timeoutMs: 600_000 });
    await timing.advance(60_000);
    await expect(done).resolves.toBe("succeeded#6");
    expect(script.checks).toEqual([4_000, 5_000, 7_000, 11_000, 19_000, 27_000]);
    expect(timing.pending).toBe(0);
  });

  it("rejects with the target's failure", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const outcome = expect(engine.wait(scripted(timing, ["pending", "failed"]).target, { timeoutMs: 600_000 })).rejects.toThrow("failed: failed#2");
    await timing.advance(10_000);
    await outcome;
  });

  it("reports progress only when it changes", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const seen: string[] = [];
    const done = engine.wait(scripted(timing, ["pending", "pending", "running", "running", "succeeded"]).target, {
      timeoutMs: 600_000,
      onProgress: (value) => seen.push(value),
    });
    await timing.advance(60_000);
    await done;
    expect(seen).toEqual(["pending#1", "running#3", "succeeded#5"]);
  });

  it("keeps polling an unknown status with backoff (never a hot loop), warning once", async () => {
    const timing = new VirtualTiming();
    const warnings: string[] = [];
    const engine = new PollEngine(timing, policy, 4, { warn: (message) => warnings.push(message) });
    const script = scripted(timing, ["PAUSED", "PAUSED", "PAUSED", "succeeded"]);
    const done = engine.wait(script.target, { timeoutMs: 600_000 });
    await timing.advance(60_000);
    await expect(done).resolves.toBe("succeeded#4");
    expect(script.checks).toEqual([4_000, 5_000, 7_000, 11_000]);
    expect(warnings).toEqual(['Job job-1 has an undocumented status "PAUSED"; waiting on with backoff']);
  });

  it("makes its last check before the deadline and then times out, never past it", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const script = scripted(timing, ["pending"]);
    const done = engine.wait(script.target, { timeoutMs: 20_000 });
    const outcome = done.catch((error: unknown) => ({ error, at: timing.now() }));
    await timing.advance(60_000);
    const { error, at } = (await outcome) as { error: JobTimeoutError; at: number };
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(error.message).toBe("Job job-1 did not finish within 20000 ms (last status pending)");
    expect(error.job).toBe("pending#5");
    expect(at - 1_000_000).toBe(20_000);
    expect(script.checks).toEqual([4_000, 5_000, 7_000, 11_000, 19_000]);
  });

  it("aborts a check still in flight at the deadline", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const script = scripted(timing, ["pending"], 30_000);
    const done = engine.wait(script.target, { timeoutMs: 10_000 });
    const outcome = done.catch((error: unknown) => error);
    await timing.advance(60_000);
    expect(await outcome).toBeInstanceOf(JobTimeoutError);
    expect(script.signals[0]!.aborted).toBe(true);
  });

  it("stops the wait and the in-flight check at once when the caller aborts", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const script = scripted(timing, ["pending"], 5_000);
    const controller = new AbortController();
    const done = engine.wait(script.target, { timeoutMs: 600_000, signal: controller.signal });
    const outcome = done.catch((error: unknown) => error);
    await timing.advance(6_000);
    expect(script.checks).toEqual([4_000]);
    controller.abort(new Error("user"));
    const error = (await outcome) as JobAbortedError;
    expect(error.name).toBe("AbortError");
    expect(error.reason).toEqual(new Error("user"));
    expect(script.signals[0]!.aborted).toBe(true);
    await timing.advance(600_000);
    expect(script.checks).toEqual([4_000]);
    expect(engine.size).toBe(0);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const engine = new PollEngine(new VirtualTiming(), policy, 4, undefined);
    await expect(engine.wait(scripted(new VirtualTiming(), ["pending"]).target, { timeoutMs: 1_000, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      JobAbortedError,
    );
  });

  it("tells each target once that its wait ended, however it ended, before the wait settles; two waits of one job are two", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const ended: string[] = [];
    const target = (key: string, phases: string[], latencyMs = 0): PollTarget<string> => ({
      ...scripted(timing, phases, latencyMs).target,
      key,
      ended: () => ended.push(key),
    });
    const settledWith: Array<[string, string[]]> = [];
    const watch = (key: string, promise: Promise<unknown>) =>
      promise.then(
        () => settledWith.push([key, [...ended]]),
        () => settledWith.push([key, [...ended]]),
      );
    const aborting = new AbortController();
    const waits = [
      watch("succeeds", engine.wait(target("succeeds", ["pending", "succeeded"]), { timeoutMs: 600_000 })),
      watch("fails", engine.wait(target("fails", ["failed"]), { timeoutMs: 600_000 })),
      watch("times out", engine.wait(target("times out", ["pending"]), { timeoutMs: 10_000 })),
      watch("aborted before", engine.wait(target("aborted before", ["pending"]), { timeoutMs: 600_000, signal: AbortSignal.abort() })),
      watch("aborted while checking", engine.wait(target("aborted while checking", ["pending"], 5_000), { timeoutMs: 600_000, signal: aborting.signal })),
      watch("twice", engine.wait(target("twice", ["pending", "succeeded"]), { timeoutMs: 600_000 })),
      watch("twice", engine.wait(target("twice", ["succeeded"]), { timeoutMs: 600_000 })),
    ];
    await timing.advance(6_000);
    aborting.abort(new Error("user"));
    await timing.advance(600_000);
    await Promise.all(waits);
    expect(ended.sort()).toEqual(["aborted before", "aborted while checking", "fails", "succeeds", "times out", "twice", "twice"]);
    for (const [key, endedBefore] of settledWith) expect(endedBefore).toContain(key);
    expect(engine.size).toBe(0);
  });

  it("checks at once on notify instead of sleeping out the backoff", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const script = scripted(timing, ["pending", "succeeded"]);
    const done = engine.wait(script.target, { timeoutMs: 600_000 });
    await timing.advance(4_000);
    await timing.advance(300);
    expect(engine.notify("job-1")).toBe(1);
    expect(engine.notify("another")).toBe(0);
    await timing.advance(0);
    await expect(done).resolves.toBe("succeeded#2");
    expect(script.checks).toEqual([4_000, 4_300]);
  });

  it("hands out checkpoints and resumes from one with its attempt and deadline", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const checkpoints: Array<{ attempt: number; nextAt: number; deadline: number }> = [];
    const first = engine.wait(scripted(timing, ["pending"]).target, { timeoutMs: 600_000, onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) });
    first.catch(() => undefined);
    await timing.advance(6_500);
    expect(checkpoints).toEqual([
      { attempt: 2, nextAt: 1_005_000, deadline: 1_600_000 },
      { attempt: 3, nextAt: 1_007_000, deadline: 1_600_000 },
    ]);
    const other = new PollEngine(timing, policy, 4, undefined);
    const script = scripted(timing, ["pending", "succeeded"]);
    const resumed = other.wait(script.target, { timeoutMs: 1, resume: checkpoints[1]! });
    await timing.advance(60_000);
    await expect(resumed).resolves.toBe("succeeded#2");
    expect(script.checks).toEqual([500, 4_500]);
  });

  it("runs thousands of waits on one timer, with at most `concurrency` checks in flight", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, resolvePollPolicy({ ...policy, jitter: 0.2 }), 3, undefined);
    let inFlight = 0;
    let peak = 0;
    const target = (key: string): PollTarget<string> => {
      let checks = 0;
      return {
        key,
        async check() {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await Promise.resolve();
          inFlight -= 1;
          checks += 1;
          return { phase: checks >= 3 ? "succeeded" : "pending", value: key, status: "x", progressKey: String(checks) };
        },
        failure: () => new Error("no"),
      };
    };
    const waits = Array.from({ length: 2_000 }, (_, index) => engine.wait(target(`j${index}`), { timeoutMs: 600_000 }));
    expect(timing.pending).toBe(1);
    for (let step = 0; step < 20_000 && engine.size > 0; step += 1) {
      expect(timing.pending).toBeLessThanOrEqual(1);
      await timing.step();
    }
    expect((await Promise.all(waits)).length).toBe(2_000);
    expect(peak).toBe(3);
  });
});

describe("PollEngine keeps its memory to the waits in flight", () => {
  it("a wait checked thousands of times is one item of the schedule, not one per check", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, { firstDelayMs: 1, minDelayMs: 1, maxDelayMs: 1, factor: 1, jitter: 0 }, 4, undefined);
    let checks = 0;
    let largest = 0;
    const waits = Array.from({ length: 3 }, (_, index) =>
      engine.wait(
        {
          key: `job-${index}`,
          check: async () => ({ phase: (checks += 1) > 6_000 ? "succeeded" : "pending", value: checks, status: "RUNNING", progressKey: "" }),
          failure: () => new Error("failed"),
        },
        { timeoutMs: 86_400_000 },
      ),
    );
    for (let step = 0; step < 10_000 && timing.pending > 0; step += 1) {
      await timing.step();
      largest = Math.max(largest, engine.heapSize);
    }
    await Promise.all(waits);
    expect(checks).toBeGreaterThan(6_000);
    expect(largest).toBe(3);
    expect(engine.heapSize).toBe(0);
  });
});

describe("PollEngine reads an observation's value only when it needs it", () => {
  it("not for a check that changes nothing nor without onProgress; once for the settled wait, for onProgress and for a timeout's last sight", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, policy, 4, undefined);
    const reads: string[] = [];
    const seen = (phase: Observation<string>["phase"], label: string, progressKey = "same"): Observation<string> => ({
      phase,
      status: label,
      progressKey,
      get value() {
        reads.push(label);
        return label;
      },
    });
    const answering = (answers: Array<Observation<string>>): PollTarget<string> => {
      let index = 0;
      return { key: `job-${answers.length}`, check: async () => answers[Math.min(index++, answers.length - 1)]!, failure: (value) => new Error(value) };
    };
    const quiet = engine.wait(answering([seen("pending", "a1"), seen("pending", "a2"), seen("succeeded", "a3")]), { timeoutMs: 600_000 });
    const progress: string[] = [];
    const told = engine.wait(
      answering([seen("pending", "b1", "10 %"), seen("pending", "b2", "10 %"), seen("pending", "b3", "20 %"), seen("succeeded", "b4", "20 %")]),
      { timeoutMs: 600_000, onProgress: (value) => progress.push(value) },
    );
    const timedOut = engine
      .wait(answering([seen("pending", "c1"), seen("pending", "c2"), seen("pending", "c3")]), { timeoutMs: 12_000 })
      .catch((error: unknown) => error);
    await timing.advance(120_000);
    await expect(quiet).resolves.toBe("a3");
    await expect(told).resolves.toBe("b4");
    expect(progress).toEqual(["b1", "b3"]);
    expect(((await timedOut) as JobTimeoutError).job).toBe("c3");
    expect(reads.sort()).toEqual(["a3", "b1", "b3", "b4", "c3"]);
  });
});

describe("PollEngine takes answers at hand without a request", () => {
  it("a peeked observation settles the wait with no check; a parked one waits for notify; a throwing onProgress ends only its wait", async () => {
    const timing = new VirtualTiming();
    const engine = new PollEngine(timing, { firstDelayMs: 10, minDelayMs: 10, maxDelayMs: 10, factor: 1, jitter: 0 }, 1, undefined);
    let checks = 0;
    let parked = true;
    const target = (key: string, peek: () => Observation<string> | "wait" | undefined): PollTarget<string> => ({
      key,
      peek,
      check: async () => ((checks += 1), { phase: "succeeded", value: "checked", status: "COMPLETED", progressKey: "done" }),
      failure: () => new Error("failed"),
    });
    const done: Observation<string> = { phase: "succeeded", value: "from the list", status: "COMPLETED", progressKey: "done" };
    const peeked = engine.wait(
      target("a", () => done),
      { timeoutMs: 1_000 },
    );
    const waiting = engine.wait(
      target("b", () => (parked ? "wait" : done)),
      { timeoutMs: 1_000 },
    );
    const throwing = rejection(
      engine.wait(
        target("c", () => done),
        {
          timeoutMs: 1_000,
          onProgress: () => {
            throw new Error("the callback broke");
          },
        },
      ),
    );
    await timing.step();
    await expect(peeked).resolves.toBe("from the list");
    expect(await throwing).toMatchObject({ message: "the callback broke" });
    expect(engine.size).toBe(1);
    parked = false;
    expect(engine.notify("b")).toBe(1);
    await timing.step();
    await expect(waiting).resolves.toBe("from the list");
    expect(checks).toBe(0);
  });

  it("takes thousands of checks due at once in slices, one timer each, so that the event loop turns in between", async () => {
    class CountingTiming extends VirtualTiming {
      fired = 0;
      override setTimer(run: () => void, ms: number): () => void {
        return super.setTimer(() => ((this.fired += 1), run()), ms);
      }
    }
    const timing = new CountingTiming();
    const engine = new PollEngine(timing, { firstDelayMs: 10, minDelayMs: 10, maxDelayMs: 10, factor: 1, jitter: 0 }, 1, undefined);
    const takenAt: number[] = [];
    const done: Observation<string> = { phase: "succeeded", value: "from the list", status: "COMPLETED", progressKey: "done" };
    const waits = Array.from({ length: 600 }, (_, index) =>
      engine.wait(
        {
          key: `job-${index}`,
          peek: () => (takenAt.push(timing.fired), done),
          check: () => Promise.reject(new Error("no request expected")),
          failure: () => new Error("failed"),
        },
        { timeoutMs: 1_000 },
      ),
    );
    await timing.advance(10);
    await expect(Promise.all(waits)).resolves.toHaveLength(600);
    const perTimer = new Map<number, number>();
    for (const fired of takenAt) perTimer.set(fired, (perTimer.get(fired) ?? 0) + 1);
    expect([...perTimer.values()]).toEqual([256, 256, 88]);
    expect(timing.pending).toBe(0);
  });
});
