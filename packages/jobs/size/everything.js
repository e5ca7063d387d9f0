// Everything createJobs offers, records (csv-parse and @streamparser/json) included.
import { createClient } from "@impactkit/partner-v15";
import { createJobs } from "../dist/index.js";
import "../dist/result/records.js";

const jobs = createJobs(createClient({ accountSid: "IR", authToken: "t" }));
for await (const row of jobs.records("d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f")) console.log(row);
