// A flavor client alone (openapi-fetch and @impactkit/core inside): the baseline of every path.
import { createClient } from "@impactkit/partner-v15";

console.log(createClient({ accountSid: "IR", authToken: "t" }));
