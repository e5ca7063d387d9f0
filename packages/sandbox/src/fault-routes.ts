/** The routes a fault can be aimed at: the API's operations and the storage origin. */
export type Route = "listJobs" | "getJob" | "downloadJob" | "replayJob" | "exportReport" | "exportClicks" | "listReports" | "reportMetadata" | "storage";

/** The routes of the API origin. */
export type ApiRoute = Exclude<Route, "storage">;

export const API_ROUTES: readonly ApiRoute[] = [
  "listJobs",
  "getJob",
  "downloadJob",
  "replayJob",
  "exportReport",
  "exportClicks",
  "listReports",
  "reportMetadata",
];

/** Every route a fault can be injected on: the API's and `storage`, the signed download URLs. */
export const ROUTES: readonly Route[] = [...API_ROUTES, "storage"];
