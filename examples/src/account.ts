/**
 * The account an example runs as, from the environment: IMPACT_ACCOUNT_SID and IMPACT_AUTH_TOKEN, and
 * IMPACT_BASE_URL to point at a sandbox (`npx impactkit-sandbox`) instead of api.impact.com.
 */
export function account(sid = process.env["IMPACT_ACCOUNT_SID"]): { accountSid: string; authToken: string; baseUrl?: string } {
  const authToken = sid === process.env["IMPACT_ACCOUNT_SID"] ? process.env["IMPACT_AUTH_TOKEN"] : process.env[`IMPACT_AUTH_TOKEN_${sid}`];
  if (!sid || !authToken) throw new Error(`set IMPACT_ACCOUNT_SID and IMPACT_AUTH_TOKEN${sid ? ` (or IMPACT_AUTH_TOKEN_${sid})` : ""}`);
  const baseUrl = process.env["IMPACT_BASE_URL"];
  return { accountSid: sid, authToken, ...(baseUrl ? { baseUrl } : {}) };
}
