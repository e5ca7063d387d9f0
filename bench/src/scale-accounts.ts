/** The sandbox account number `index` of the scale and queue workloads, with its token (the child processes sign in with it). */
export const scaleAccount = (index: number) => ({ accountSid: `IRSCALE${String(index).padStart(4, "0")}`, authToken: `token-${index}` });
