/** An error in a spec source, override or flavor config, naming the file and the JSON Pointer at fault. */
export class SpecError extends Error {
  override name = "SpecError";
  readonly file: string;
  readonly pointer: string;

  constructor(file: string, pointer: string, message: string) {
    super(`${file}#${pointer}: ${message}`);
    this.file = file;
    this.pointer = pointer;
  }
}
