import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ImpactkitError } from "@impactkit/core";
import { InvalidArgumentError } from "./errors.js";
import { jobIdFromQueuedUri, validateJobId } from "./job-id.js";
import { thrown } from "../testing.js";

const UUID = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";

describe("validateJobId", () => {
  it("accepts a lower-case UUID unchanged", () => {
    expect(validateJobId(UUID)).toBe(UUID);
  });

  it("accepts an upper-case UUID and returns it in lower case", () => {
    expect(validateJobId(UUID.toUpperCase())).toBe(UUID);
  });

  it("accepts a mixed-case UUID and returns it in lower case", () => {
    expect(validateJobId("D8807a9F-A5ee-4E3f-aD2B-3dfD19D1915F")).toBe(UUID);
  });

  it.each([
    "../x",
    "%2e%2e/",
    "",
    "not-a-uuid",
    `${UUID}/`,
    `${UUID}?x=1`,
    `${UUID}#top`,
    `${UUID}\n`,
    ` ${UUID}`,
    `{${UUID}}`,
    UUID.replaceAll("-", ""),
    UUID.slice(0, -1),
    `${UUID}0`,
    "g8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f",
    `../${UUID}`,
  ])("rejects %j with an InvalidArgumentError naming it", (id) => {
    const error = thrown(() => validateJobId(id));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain(`got ${JSON.stringify(id)}`);
  });

  it.each([
    [undefined, "got undefined"],
    [null, "got null"],
    [42, "got 42"],
    [true, "got true"],
    [[UUID], `got ${JSON.stringify([UUID])}`],
    [{ id: UUID }, `got ${JSON.stringify({ id: UUID })}`],
    [Symbol("job"), "got Symbol(job)"],
  ])("rejects the non-string %s with an InvalidArgumentError naming it", (id, named) => {
    const error = thrown(() => validateJobId(id));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain(named);
  });

  it("rejects a bigint with an InvalidArgumentError", () => {
    expect(thrown(() => validateJobId(10n))).toBeInstanceOf(InvalidArgumentError);
  });

  it("rejects a circular object with an InvalidArgumentError", () => {
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    expect(thrown(() => validateJobId(circular))).toBeInstanceOf(InvalidArgumentError);
  });

  it("shortens a long bad value in the message", () => {
    const error = thrown(() => validateJobId("a".repeat(500)));
    expect(error.message).toContain(`"${"a".repeat(79)}`);
    expect(error.message).not.toContain("a".repeat(80));
  });

  it("throws an InvalidArgumentError, under the packages' one root, naming the argument", () => {
    const error = thrown(() => validateJobId("../x"));
    expect(error).toBeInstanceOf(ImpactkitError);
    expect(error).toMatchObject({ name: "InvalidArgumentError", code: "IMPACTKIT_INVALID_ARGUMENT" });
  });
});

describe("jobIdFromQueuedUri", () => {
  it("reads the JobId of a partner QueuedUri", () => {
    expect(jobIdFromQueuedUri(`/Mediapartners/IRX1234/Jobs/${UUID}`)).toBe(UUID);
  });

  it("reads the JobId of an agency QueuedUri", () => {
    expect(jobIdFromQueuedUri(`/Agencies/IRAB12/Jobs/${UUID}`)).toBe(UUID);
  });

  it("reads the JobId of a brand QueuedUri", () => {
    expect(jobIdFromQueuedUri(`/Advertisers/IRCD34/Jobs/${UUID}`)).toBe(UUID);
  });

  it("accepts a trailing slash", () => {
    expect(jobIdFromQueuedUri(`/Mediapartners/IRX1234/Jobs/${UUID}/`)).toBe(UUID);
  });

  it("returns the JobId in lower case", () => {
    expect(jobIdFromQueuedUri(`/Mediapartners/IRX1234/Jobs/${UUID.toUpperCase()}`)).toBe(UUID);
  });

  it.each([
    `/Mediapartners/IRX1234/Reports/${UUID}`,
    `/Mediapartners/IRX1234/Jobs/`,
    `/Mediapartners/IRX1234/Jobs`,
    `/Mediapartners/IRX1234/Jobs/${UUID}/Download`,
    `/Mediapartners/IRX1234/Jobs/${UUID}?page=1`,
    `/Mediapartners/IRX1234/Jobs/../x`,
    UUID,
    "",
  ])("rejects %j, which names no job, with an InvalidArgumentError naming it", (uri) => {
    const error = thrown(() => jobIdFromQueuedUri(uri));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain(`QueuedUri does not name a job: ${JSON.stringify(uri)}`);
  });

  it.each([`/Mediapartners/IRX1234/Jobs/not-a-uuid`, `/Mediapartners/IRX1234/Jobs/%2e%2e`, `/Agencies/IRX/Jobs/${UUID}x`])(
    "rejects %j, whose id is not a UUID, with an InvalidArgumentError",
    (uri) => {
      const error = thrown(() => jobIdFromQueuedUri(uri));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toMatch(/^JobId must be a UUID/);
    },
  );

  it.each([[undefined], [null], [42], [{ QueuedUri: `/Mediapartners/IRX/Jobs/${UUID}` }]])("rejects the non-string %j with an InvalidArgumentError", (uri) => {
    expect(thrown(() => jobIdFromQueuedUri(uri))).toBeInstanceOf(InvalidArgumentError);
  });

  it("rejects a bigint with an InvalidArgumentError", () => {
    expect(thrown(() => jobIdFromQueuedUri(10n))).toBeInstanceOf(InvalidArgumentError);
  });
});

describe("job id properties", () => {
  it("accepts any UUID in any case and returns it in lower case", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), (uuid, upper) => {
        expect(validateJobId(upper ? uuid.toUpperCase() : uuid)).toBe(uuid.toLowerCase());
      }),
    );
  });

  it("refuses any string containing a slash or a dot", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("/", "."), fc.string(), (before, separator, after) => {
        expect(() => validateJobId(before + separator + after)).toThrow(InvalidArgumentError);
      }),
    );
  });

  it("refuses a UUID with anything appended", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ minLength: 1 }), (uuid, suffix) => {
        expect(() => validateJobId(uuid + suffix)).toThrow(InvalidArgumentError);
      }),
    );
  });

  it("reads the JobId back from any QueuedUri built from it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("Mediapartners", "Agencies", "Advertisers"),
        fc.stringMatching(/^[A-Za-z0-9]{1,24}$/),
        fc.uuid(),
        fc.boolean(),
        (root, sid, uuid, slash) => {
          expect(jobIdFromQueuedUri(`/${root}/${sid}/Jobs/${uuid}${slash ? "/" : ""}`)).toBe(uuid.toLowerCase());
        },
      ),
    );
  });
});
