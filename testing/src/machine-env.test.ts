import { describe, expect, it } from "vitest";
import { machineEnv } from "./machine-env.js";

describe("machineEnv", () => {
  it("keeps the path, the zone, the clock and the trusted CAs, and none of the user's settings", () => {
    const env = {
      PATH: "/usr/bin",
      TZ: "America/Adak",
      LD_PRELOAD: "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
      FAKETIME: "@2028-12-31 23:59:20",
      FAKETIME_SHARED: "/faketime_shm_1 /faketime_shm_1",
      NODE_EXTRA_CA_CERTS: "/ca.pem",
      HOME: "/home/user",
      IMPACT_AUTH_TOKEN: "secret",
      HTTPS_PROXY: "http://proxy:3128",
      NO_COLOR: "1",
    };
    expect(machineEnv(env)).toEqual({
      PATH: "/usr/bin",
      TZ: "America/Adak",
      LD_PRELOAD: "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
      FAKETIME: "@2028-12-31 23:59:20",
      FAKETIME_SHARED: "/faketime_shm_1 /faketime_shm_1",
      NODE_EXTRA_CA_CERTS: "/ca.pem",
    });
  });
});
