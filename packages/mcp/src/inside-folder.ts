import { InvalidArgumentError } from "@impactkit/jobs";
import { realpathSync, statSync } from "node:fs";
import { lstat, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";

/** A file name a tool was given that would reach outside the server's folder (its `option` is `fileName`). */
export class OutsideFolderError extends InvalidArgumentError {
  override name = "OutsideFolderError";

  constructor(message: string) {
    super(message, "fileName");
  }
}

const within = (folder: string, path: string) => {
  const rest = relative(folder, path);
  return rest !== "" && !rest.startsWith(`..${sep}`) && rest !== ".." && !isAbsolute(rest);
};

/** The nearest folder of `path` that exists (`path` itself when it does), or the filesystem's root. */
async function nearestExisting(path: string): Promise<string> {
  for (let at = path; ; at = dirname(at)) {
    if ((await lstat(at).catch(() => undefined)) !== undefined || dirname(at) === at) return at;
  }
}

/**
 * `folder` as the real path of an existing folder, symbolic links resolved once (`/tmp` is one on macOS), so that
 * the paths the tools give back are relative to what the files are really under.
 */
export function resolvedFolder(folder: string): string {
  let root: string;
  try {
    root = realpathSync(folder);
  } catch {
    throw new TypeError(`directory ${folder} does not exist: create it first (results are downloaded only inside it)`);
  }
  if (!statSync(root).isDirectory()) throw new TypeError(`directory ${folder} is not a folder`);
  return root;
}

/**
 * The absolute path of `name` inside `root` (a folder's real path, from `resolvedFolder`): refused (`OutsideFolderError`) when `name` is absolute, climbs
 * out with `..`, goes through a symbolic link that leads outside `root`, or is a symbolic link itself. Nothing
 * is created: the nearest folder of the path that exists is resolved (`realpath`) and checked, so that the
 * missing ones the download creates are inside `root` too.
 */
export async function pathInside(root: string, name: string): Promise<string> {
  if (name.trim() === "") throw new OutsideFolderError("the file name is empty");
  if (isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name)) throw new OutsideFolderError(`${name} is an absolute path; give a name inside the download folder`);
  const normalized = normalize(name);
  if (normalized.split(/[\\/]/).includes("..")) throw new OutsideFolderError(`${name} leads out of the download folder (..)`);
  const path = join(root, normalized);
  if (!within(root, path)) throw new OutsideFolderError(`${name} is not a file inside the download folder`);
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink()) throw new OutsideFolderError(`${name} is a symbolic link; give the name of a plain file`);
  const parent = await nearestExisting(dirname(path));
  if (parent !== root && !within(root, await realpath(parent).catch(() => "/")))
    throw new OutsideFolderError(`${name} goes through a symbolic link out of the download folder`);
  return path;
}
