/**
 * Text that reached the CLI from elsewhere (a server's job fields and error messages, a header, an
 * argument) made safe to print on a terminal. Terminals act on the control functions of ECMA-48
 * (https://ecma-international.org/publications-and-standards/standards/ecma-48/) and the escape
 * sequences of ECMA-35 (ISO/IEC 2022): control sequences (CSI, §5.4), control strings (OSC and the like,
 * §5.6) and the C1 controls, 8-bit or as `ESC` and a byte (§5.3), set the window title, clear the screen
 * or rewrite what was printed, as do the C0 controls (§5.2: `\r`, `\b`) and DEL. The bidirectional
 * embeddings, overrides and isolates of Unicode UAX #9 §2 (https://www.unicode.org/reports/tr9/),
 * U+202A–U+202E and U+2066–U+2069, reorder what is shown (CVE-2021-42574, "Trojan Source").
 */

/** Control strings (OSC, DCS, SOS, PM, APC), 7-bit or 8-bit, up to their terminator (BEL or ST). */
const CONTROL_STRING = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)/g;
/** Control sequences: CSI, 7-bit or 8-bit, then parameter bytes, intermediate bytes and the final byte (ECMA-48 §5.4). */
const CONTROL_SEQUENCE = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]/g;
/** The other escape sequences: ESC, intermediate bytes, a final byte (ECMA-48 §5.3, ECMA-35). */
const ESCAPE_SEQUENCE = /\u001b[\u0020-\u002f]*[\u0030-\u007e]/g;
/** Format effectors that separate words: shown as a space rather than acted on. */
const SPACING_CONTROLS = /[\t\n\v\f\r]/g;
/** Whatever control is left (a lone ESC, an unterminated control string's introducer), DEL, and the bidi controls. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` as one line for a terminal: escape sequences removed whole, tabs and line breaks turned into
 * spaces, every other control character (C0, DEL, C1, bidi) removed.
 */
export function terminalLine(text: string): string {
  return text.replace(CONTROL_STRING, "").replace(CONTROL_SEQUENCE, "").replace(ESCAPE_SEQUENCE, "").replace(SPACING_CONTROLS, " ").replace(CONTROLS, "");
}

/** The characters a JSON text may carry raw (RFC 8259 §7 requires escaping only U+0000–U+001F) that a terminal acts on. */
const RAW_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A JSON text with DEL, the C1 controls and the bidi controls written as `\uXXXX` escapes: the same
 * document for a parser (they can only occur inside strings), nothing for a terminal to act on.
 * `JSON.stringify` already escapes the C0 controls, ESC included.
 */
export function terminalJson(json: string): string {
  return json.replace(RAW_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
