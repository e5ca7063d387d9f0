// The Zendesk job-status adapter on the same wait engine.
import { createZendeskJobs } from "../dist/zendesk.js";

await createZendeskJobs({ baseUrl: "https://acme.zendesk.com", authorization: "Basic x" }).wait("V3-abc");
