/**
 * `@impactkit/jobs/testing`: what tests of code built on `@impactkit/jobs` need — a server on 127.0.0.1 that
 * answers as a test says (`startFakeApi`), Job bodies and result bytes, virtual time for `JobsOptions.timing`,
 * and the outcome of a call that must fail.
 *
 * @packageDocumentation
 */
export { JOB_ID, jobBody, resultBytes, sendJson, startFakeApi, type FakeApi, type Route, type SeenRequest } from "./testing/fake-api.js";
export { rejection, thrown } from "./testing/outcomes.js";
export { VirtualTiming } from "./testing/virtual-timing.js";
