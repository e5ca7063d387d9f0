import { describe, expect, it } from "vitest";
import { environmentVariable } from "./environment.js";
import { proxiesFromEnvironment } from "./http/node-transport.js";

/** `process.env` as Deno gives it without `--allow-env`: every read throws. */
const refusing = {
  process: {
    env: new Proxy(
      {},
      {
        get(_target, name) {
          throw new Error(`NotCapable: Requires env access to "${String(name)}", run again with the --allow-env flag`);
        },
      },
    ),
  },
};

describe("the environment", () => {
  it("is read where there is one; an empty variable, no process, or a refused read count as unset", () => {
    expect(environmentVariable("IMPACT_X", { process: { env: { IMPACT_X: "set" } } })).toBe("set");
    expect(environmentVariable("IMPACT_X", { process: { env: { IMPACT_X: "" } } })).toBeUndefined();
    expect(environmentVariable("IMPACT_X", {})).toBeUndefined();
    expect(environmentVariable("IMPACT_X", refusing)).toBeUndefined();
  });

  it("gives the proxies, the lower-case variable first, and none where reading is refused (Deno without --allow-env)", () => {
    const env = { https_proxy: "proxy.example:3128", HTTPS_PROXY: "http://other.example:8080", HTTP_PROXY: "http://plain.example:3128" };
    const proxies = proxiesFromEnvironment({ process: { env } });
    expect(proxies.https?.href).toBe("http://proxy.example:3128/");
    expect(proxies.http?.href).toBe("http://plain.example:3128/");
    expect(proxiesFromEnvironment(refusing)).toEqual({ http: undefined, https: undefined });
  });
});
