import { describe, expect, it } from "vitest";
import { applyOverrides } from "./apply-overrides.ts";

const document = () => ({
  paths: {
    "/Jobs": { get: { responses: { "200": { description: "ok" } } } },
    "/Jobs/{JobId}/Replay": { put: { responses: { "200": { description: "ok" }, "403": { description: "no" } } } },
  },
});

const override = (patch: unknown[]) => ({ reason: "Because the wire says so.", "x-source": "https://example.test/doc", patch });

describe("applyOverrides", () => {
  it("applies a wildcard operation everywhere it fits and records each override", () => {
    const doc = document();
    const applied = applyOverrides(doc, [
      { file: "o/a.json", override: override([{ op: "add", path: "/paths/*/*/responses/429", value: { description: "slow down" } }]) },
    ]);
    expect(doc.paths["/Jobs"].get.responses).toHaveProperty("429", { description: "slow down" });
    expect(doc.paths["/Jobs/{JobId}/Replay"].put.responses).toHaveProperty("429", { description: "slow down" });
    expect(applied).toEqual([{ file: "o/a.json", reason: "Because the wire says so.", "x-source": "https://example.test/doc" }]);
  });

  it("inserts a separate copy of the value at each place", () => {
    const doc = document();
    applyOverrides(doc, [{ file: "o/a.json", override: override([{ op: "add", path: "/paths/*/*/x-copy", value: { n: 1 } }]) }]);
    const [first, second] = [doc.paths["/Jobs"].get, doc.paths["/Jobs/{JobId}/Replay"].put] as Array<Record<string, unknown>>;
    expect(first!["x-copy"]).toEqual(second!["x-copy"]);
    expect(first!["x-copy"]).not.toBe(second!["x-copy"]);
  });

  it("fails, naming the file and the patch entry, when an operation matches nothing", () => {
    expect(() => applyOverrides(document(), [{ file: "o/b.json", override: override([{ op: "replace", path: "/paths/~1Nope/get", value: {} }]) }])).toThrow(
      "o/b.json#/patch/0: replace /paths/~1Nope/get matches nothing in the merged spec",
    );
  });

  it("lets an optional operation match nothing", () => {
    const doc = document();
    applyOverrides(doc, [{ file: "o/c.json", override: override([{ op: "add", path: "/paths/*/*/responses/401/content", value: {}, optional: true }]) }]);
    expect(doc).toEqual(document());
  });

  it("reports a failing test operation with its target", () => {
    expect(() =>
      applyOverrides(document(), [
        { file: "o/d.json", override: override([{ op: "test", path: "/paths/~1Jobs/get/responses/200/description", value: "nope" }]) },
      ]),
    ).toThrow(/^o\/d\.json#\/patch\/0: test \/paths\/~1Jobs\/get\/responses\/200\/description failed/);
  });

  it.each([
    [{ "x-source": "s", patch: [{ op: "remove", path: "/a" }] }, "", /must have required property 'reason'/],
    [{ reason: "two\nlines", "x-source": "s", patch: [{ op: "remove", path: "/a" }] }, "/reason", /must match pattern/],
    [{ reason: "r", "x-source": "s", patch: [{ op: "merge", path: "/a" }] }, "/patch/0/op", /must be equal to one of the allowed values/],
  ])("rejects a malformed override %j", (bad, pointer, message) => {
    expect(() => applyOverrides(document(), [{ file: "o/e.json", override: bad }])).toThrow(
      expect.objectContaining({ file: "o/e.json", pointer, message: expect.stringMatching(message) }),
    );
  });
});
