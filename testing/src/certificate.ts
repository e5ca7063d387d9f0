import { generate } from "selfsigned";

export interface TestCertificateOptions {
  /** When it becomes valid (default 2000-01-01): a date past or future makes an expired or not-yet-valid certificate. */
  notBefore?: Date;
  /** When it stops being valid (default 2099-12-31T23:59:59Z). */
  notAfter?: Date;
}

export interface TestCertificate {
  /** The private key, PEM. */
  key: string;
  /** The self-signed certificate, PEM. */
  cert: string;
}

/**
 * A self-signed certificate and its key for `host` (a DNS name or an IPv4 address, in its subjectAltName),
 * valid from 2000 to 2099 unless told: a test's TLS server is trusted or refused for what it is on any date the
 * machine's clock (or libfaketime) says, never for having expired by accident.
 */
export async function testCertificate(host: string, options: TestCertificateOptions = {}): Promise<TestCertificate> {
  const altName = /^[\d.]+$/.test(host) ? ({ type: 7, ip: host } as const) : ({ type: 2, value: host } as const);
  const pems = await generate([{ name: "commonName", value: host }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: options.notBefore ?? new Date("2000-01-01T00:00:00Z"),
    notAfterDate: options.notAfter ?? new Date("2099-12-31T23:59:59Z"),
    extensions: [{ name: "subjectAltName", altNames: [altName] }],
  });
  return { key: pems.private, cert: pems.cert };
}
