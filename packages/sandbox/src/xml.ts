/**
 * The API's default format is XML, under `<ImpactRadiusResponse>`, unless the request asks for JSON with
 * `Accept: application/json` or a `.json` suffix (https://integrations.impact.com/impact-brand/reference/responses).
 */
export function toXml(body: unknown, root = "ImpactRadiusResponse"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, body)}\n`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function singular(name: string): string {
  return name.endsWith("s") ? name.slice(0, -1) : name;
}

function element(name: string, value: unknown): string {
  if (Array.isArray(value)) return `<${name}>${value.map((item) => element(singular(name), item)).join("")}</${name}>`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    // Paging fields (`@page`, `@nextpageuri`…) are the list element's attributes in the XML form.
    const attributes = entries
      .filter(([key]) => key.startsWith("@"))
      .map(([key, child]) => ` ${key.slice(1)}="${escapeText(String(child ?? "")).replace(/"/g, "&quot;")}"`);
    const children = entries.filter(([key]) => !key.startsWith("@")).map(([key, child]) => element(key, child));
    return `<${name}${attributes.join("")}>${children.join("")}</${name}>`;
  }
  return `<${name}>${escapeText(String(value ?? ""))}</${name}>`;
}
