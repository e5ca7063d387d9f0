// openapi-typescript, TypeDoc and dependency-cruiser (which reads TypeScript sources with it) need the
// TypeScript 5 JS API; the workspace compiles with TypeScript 7, whose package no longer exposes it. Give each
// its own TypeScript 5.9.
module.exports = {
  hooks: {
    readPackage(pkg) {
      if ((pkg.name === "openapi-typescript" || pkg.name === "typedoc") && pkg.peerDependencies?.typescript) {
        delete pkg.peerDependencies.typescript;
        pkg.dependencies = { ...pkg.dependencies, typescript: "5.9.3" };
      }
      if (pkg.name === "dependency-cruiser") pkg.dependencies = { ...pkg.dependencies, typescript: "5.9.3" };
      return pkg;
    },
  },
};
