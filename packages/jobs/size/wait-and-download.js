// The wait + download path as a user ships it: a flavor client (openapi-fetch inside) and the two
// operations, imported one by one so that the bundle carries nothing else.
import { createClient } from "@impactkit/partner-v15";
import { downloadJob, jobsContext, waitForJob } from "../dist/index.js";

const jobs = jobsContext(createClient({ accountSid: "IR", authToken: "t" }));
await waitForJob(jobs, "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f");
await downloadJob(jobs, "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", { to: "result.csv" });
