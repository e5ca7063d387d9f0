import { afterEach, describe, expect, it } from "vitest";
import { createJobs } from "../api/create-jobs.js";
import { ApiError, JobNotReplayableError } from "../base/errors.js";
import { type FakeApi, JOB_ID, rejection, sendJson, startFakeApi } from "../testing.js";
import { hostileClient } from "../testing/clients.fixture.js";

let server: FakeApi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Replay answered 403 with `message`, as the API answers both a job it cannot replay and a token without the endpoint. */
async function replayRefused(message: string) {
  server = await startFakeApi((_request, response) => sendJson(response, 403, JSON.stringify({ Status: "ERROR", Message: message })));
  return rejection(createJobs(hostileClient(server.url)).replay(JOB_ID));
}

describe("a 403 on Replay", () => {
  it("whose Message says the job cannot be replayed is a JobNotReplayableError (an ApiError that is no credentials error)", async () => {
    const error = await replayRefused("The job is not in a replayable state: it is still QUEUED or RUNNING.");
    expect(error).toBeInstanceOf(JobNotReplayableError);
    expect(error).toMatchObject({
      name: "JobNotReplayableError",
      status: 403,
      apiMessage: "The job is not in a replayable state: it is still QUEUED or RUNNING.",
    });
  });

  it("for a token without the endpoint stays a PermissionDeniedError", async () => {
    const error = await replayRefused("Access to this resource is not enabled for this token.");
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(JobNotReplayableError);
    expect(error).toMatchObject({ name: "PermissionDeniedError", code: "IMPACTKIT_API_FORBIDDEN", status: 403 });
  });
});
