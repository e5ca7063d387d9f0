// Import rules for every package (`pnpm lint:deps`; the rules tests in `pnpm test` run it and show each rule
// failing on a fixture that breaks it). https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md

/** @impactkit/jobs's layers, lowest first: a module imports from its own layer or lower ones only. */
const JOBS_LAYERS = ["base", "engine", "http", "impact", "ops", "result", "files", "api"];

/** Test code: tests, fixtures, test kits. Shipped code never imports it. */
const TEST_CODE = "(\\.test\\.ts|\\.test-d\\.ts|\\.fixture\\.[cm]?[jt]s)$|/src/testing/|/src/testing\\.ts$|/test-support\\.ts$|^testing/";

/** The layer rules of a package laid out in `layers` (folders of `src`, lowest first). */
function layerRules(root, layers) {
  return layers.slice(0, -1).map((layer, index) => ({
    name: `layer-${layer}`,
    comment: `${root}/${layer} is below ${layers.slice(index + 1).join(", ")}: it may not import from them (see the package's README, "How the code is laid out").`,
    severity: "error",
    from: { path: `^${root}/${layer}/`, pathNot: TEST_CODE },
    to: { path: `^${root}/(${layers.slice(index + 1).join("|")})/` },
  }));
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import cycle: each module should stand on what is below it.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-test-code-in-shipped-code",
      comment: "Shipped code imports no test, fixture or test helper (they are not in the package, or only in its testing entry).",
      severity: "error",
      from: { path: "^(packages|scripts)/[^/]+/src/|^packages/[^/]+/src/", pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: "no-test-libraries-in-shipped-code",
      comment: "Shipped code imports no test runner or test library.",
      severity: "error",
      from: { path: "^packages/[^/]+/src/", pathNot: TEST_CODE },
      to: { path: "node_modules/(vitest|fast-check|@vitest)/" },
    },
    {
      name: "no-other-package-internals",
      comment: "A package reaches another only through its published entry points, never by a relative path into its folder.",
      severity: "error",
      from: { path: "^packages/([^/]+)/src/" },
      to: { path: "^packages/[^/]+/src/", pathNot: "^packages/$1/src/" },
    },
    ...layerRules("packages/jobs/src", JOBS_LAYERS),
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    // Built output of the workspace's packages (not that of dependencies in node_modules, which the rules look at).
    exclude: { path: "^(packages/[a-z0-9-]+|tests/[a-z0-9-]+|scripts|bench|examples|testing)/(dist|\\.reports)/" },
    combinedDependencies: true,
  },
};
