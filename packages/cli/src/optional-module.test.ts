import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { optionalModule } from "./optional-module.js";

describe("optionalModule", () => {
  it("loads a module that is there", async () => {
    const path = await optionalModule("node:path", "demo", () => import("node:path"));
    expect(path.join("a", "b")).toBe("a/b");
  });

  it("names the command and how to install a module that is not there", async () => {
    await expect(optionalModule("@impactkit/not-installed", "demo", () => import("@impactkit/not-installed" as string))).rejects.toThrow(
      "impactkit demo needs @impactkit/not-installed, an optional dependency that is not installed: npm install --global @impactkit/not-installed (or install @impactkit/cli without --omit=optional)",
    );
  });

  it("says how to install an optional peer dependency, which npm does not install by itself", async () => {
    await expect(optionalModule("@impactkit/not-installed", "queue", () => import("@impactkit/not-installed" as string), true)).rejects.toThrow(
      "impactkit queue needs @impactkit/not-installed, which is installed only for it: npm install --global @impactkit/not-installed",
    );
  });

  it("installs no Redis client and no MCP SDK with the CLI: @impactkit/queue and @impactkit/mcp are optional peer dependencies", async () => {
    const manifest = JSON.parse(await readFile(join(import.meta.dirname, "..", "package.json"), "utf8")) as Record<string, Record<string, unknown>>;
    const installed = { ...manifest["dependencies"], ...manifest["optionalDependencies"] };
    expect(Object.keys(installed).filter((name) => /queue|bullmq|ioredis|redis|msgpackr|mcp|modelcontextprotocol/.test(name))).toEqual([]);
    expect(manifest["peerDependenciesMeta"]).toEqual({ "@impactkit/mcp": { optional: true }, "@impactkit/queue": { optional: true } });
  });

  it("passes on any other failure as it is", async () => {
    const broken = Object.assign(new Error("Cannot find module 'left-pad' imported from x"), { code: "ERR_MODULE_NOT_FOUND" });
    await expect(optionalModule("@impactkit/sandbox", "demo", () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
