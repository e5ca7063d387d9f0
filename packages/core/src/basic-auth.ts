import { utf8ToBase64 } from "./base64.js";

/**
 * The `Authorization` value of HTTP Basic authentication (RFC 7617 §2): base64 of `user-id:password`,
 * UTF-8 encoded. impact.com takes the Account SID as user-id and the Auth Token as password.
 */
export function basicAuthorization(userId: string, password: string): string {
  return `Basic ${utf8ToBase64(`${userId}:${password}`)}`;
}
