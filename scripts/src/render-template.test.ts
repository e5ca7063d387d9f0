import { describe, expect, it } from "vitest";
import { renderTemplate } from "./render-template.ts";

describe("renderTemplate", () => {
  it("fills every {{name}}, names with digits included", () => {
    expect(renderTemplate("{{package}} {{sha256}} {{package}}", { package: "@impactkit/brand", sha256: "abc" }, "t")).toBe(
      "@impactkit/brand abc @impactkit/brand",
    );
  });

  it("fails on a name it does not know, so a typo cannot ship", () => {
    expect(() => renderTemplate("{{pakage}}", { package: "x" }, "scripts/template/README.md")).toThrow(
      "scripts/template/README.md: unknown template variable {{pakage}}",
    );
  });
});
