import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidArgumentError } from "@impactkit/jobs";
import type { ExportQueue } from "./export-queue.js";

/** What `completionEventHandler` checks before it lets an impact.com Job Completion Event wake a pipeline. */
export interface CompletionEventOptions {
  /**
   * The shared secret the event URL carries as `?secret=` (impact.com calls the URL configured under
   * Settings → Technical → Event Notifications, so the secret goes in that URL).
   */
  secret: string;
}

/** Largest body read from an event (a form or JSON with a JobId). */
const MAX_BODY_BYTES = 16_384;

const same = (given: string, secret: string) => {
  const [a, b] = [Buffer.from(given), Buffer.from(secret)];
  return a.length === b.length && timingSafeEqual(a, b);
};

async function bodyOf(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > MAX_BODY_BYTES) throw new RangeError("body too large");
  }
  return body;
}

/** The JobId of an event: in the query (GET, the recommended delivery), or a POST's form or JSON body. */
async function jobIdOf(request: IncomingMessage, url: URL): Promise<string | undefined> {
  const inQuery = url.searchParams.get("JobId");
  if (inQuery || request.method !== "POST") return inQuery ?? undefined;
  const body = await bodyOf(request);
  if ((request.headers["content-type"] ?? "").includes("json")) return String((JSON.parse(body) as { JobId?: unknown }).JobId ?? "") || undefined;
  return new URLSearchParams(body).get("JobId") ?? undefined;
}

/**
 * A `node:http` handler for impact.com Job Completion Events
 * (https://help.impact.com/en/support/solutions/articles/48001237753-advertiser-event-notification-postbacks):
 * checks the shared secret first (401 otherwise), then wakes the pipeline waiting for the event's `JobId`
 * (204; 202 when it is in a step already, 404 when no pipeline exported that job, 400 without a JobId,
 * 503 when Redis cannot be reached).
 * The pipelines' own checks go on meanwhile, in case an event is lost.
 */
export function completionEventHandler(
  queue: Pick<ExportQueue<string>, "wake">,
  options: CompletionEventOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  if (typeof options.secret !== "string" || options.secret.length < 16)
    throw new InvalidArgumentError("completionEventHandler needs a secret of at least 16 characters", "secret");
  return (request, response) => {
    const reply = (status: number) => response.writeHead(status).end();
    const url = new URL(request.url ?? "/", "http://event");
    if (!same(url.searchParams.get("secret") ?? "", options.secret)) return reply(401);
    jobIdOf(request, url)
      .catch(() => undefined)
      .then(async (jobId) => {
        if (!jobId) return reply(400);
        const woken = await queue.wake(jobId);
        reply(woken === "woken" ? 204 : woken === "busy" ? 202 : 404);
      })
      .catch(() => reply(503));
  };
}
