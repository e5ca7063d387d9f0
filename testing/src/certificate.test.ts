import { createPrivateKey, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testCertificate } from "./certificate.js";

describe("testCertificate", () => {
  it.each([
    ["localhost", "DNS:localhost"],
    ["127.0.0.1", "IP Address:127.0.0.1"],
  ])("is for %s and valid from 2000 to 2099, whatever today is", async (host, altName) => {
    const { key, cert } = await testCertificate(host);
    const certificate = new X509Certificate(cert);
    expect([certificate.validFromDate.toISOString(), certificate.validToDate.toISOString()]).toEqual(["2000-01-01T00:00:00.000Z", "2099-12-31T23:59:59.000Z"]);
    expect(certificate.subjectAltName).toBe(altName);
    expect(certificate.checkPrivateKey(createPrivateKey(key))).toBe(true);
  });
});
