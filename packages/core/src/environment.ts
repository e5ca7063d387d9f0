/**
 * An environment variable as the runtime has it, where there is an environment (`process.env`: Node.js, Deno,
 * Bun); `undefined` where there is none (browsers, Workers: no `process`), where reading it is not allowed (Deno
 * without `--allow-env` throws), and when it is empty — an empty variable counts as unset. The only place the
 * libraries read the environment.
 */
export function environmentVariable(name: string, scope: object = globalThis): string | undefined {
  let value: unknown;
  try {
    value = (scope as { process?: { env?: Record<string, unknown> } }).process?.env?.[name];
  } catch {
    return undefined;
  }
  return typeof value === "string" && value !== "" ? value : undefined;
}
