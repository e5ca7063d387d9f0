import type { AddressInfo } from "node:net";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExportQueue, type ExportQueue } from "./export-queue.js";
import { startRedis, type ThrowawayRedis } from "./testing.js";

let redis: ThrowawayRedis;
let exports: ExportQueue<"partner-v15">;

beforeAll(async () => {
  redis = await startRedis();
  exports = createExportQueue({ redisUrl: redis.url, flavors: ["partner-v15"] });
});
afterAll(async () => {
  await exports?.close();
  await redis?.stop();
});

describe("bull-board, the dashboard BullMQ users run", () => {
  it("shows the export queue and its pipelines, wired as the README shows", async () => {
    const id = (
      await exports.add({
        flavor: "partner-v15",
        account: "IRBOARD00001",
        export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-11-01" } },
        to: "/shared/actions.csv",
      })
    ).id;
    // The README's wiring.
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath("/admin/queues");
    createBullBoard({ queues: [new BullMQAdapter(exports.queue)], serverAdapter });
    const app = express();
    app.use("/admin/queues", serverAdapter.getRouter());
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/queues`;
      expect((await fetch(base)).status).toBe(200);
      const { queues } = (await (await fetch(`${base}/api/queues?activeQueue=impactkit-exports&status=waiting`)).json()) as {
        queues: Array<{ name: string; counts: Record<string, number>; jobs: Array<{ id: string; data: { account: string } }> }>;
      };
      const [shown] = queues;
      expect(shown).toMatchObject({ name: "impactkit-exports", counts: { waiting: 1 } });
      expect(shown!.jobs.map((job) => [job.id, job.data.account])).toEqual([[id, "IRBOARD00001"]]);
    } finally {
      server.close();
    }
  });
});
