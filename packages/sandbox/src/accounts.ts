/**
 * The accounts a sandbox knows, and HTTP Basic auth against them: the Account SID as user name and the
 * Auth Token as password (https://integrations.impact.com/impact-brand/reference/authentication).
 */
export interface SandboxAccount {
  accountSid: string;
  authToken: string;
  /** The flavors this account may call; all three when omitted. */
  flavors?: readonly string[];
}

/** The account a sandbox has when none are configured. */
export const DEFAULT_ACCOUNT: SandboxAccount = { accountSid: "IRSANDBOX0001", authToken: "sandbox-token" };

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The account an `Authorization` header proves, if it may call `flavor` under the path's `accountSid`;
 * `undefined` (a 401) for missing or wrong credentials, another account's path or a flavor it lacks.
 */
export function authenticate(
  accounts: readonly SandboxAccount[],
  authorization: string | undefined,
  accountSid: string,
  flavor: string,
): SandboxAccount | undefined {
  const credentials = basicCredentials(authorization);
  const account = accounts.find((candidate) => candidate.accountSid === credentials?.user && candidate.authToken === credentials?.password);
  if (!account || account.accountSid !== accountSid || (account.flavors && !account.flavors.includes(flavor))) return undefined;
  return account;
}
