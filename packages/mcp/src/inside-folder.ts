import { lstat, mkdir, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";

/** A file name a tool was given that would reach outside the server's folder. */
export class OutsideFolderError extends Error {
  override name = "OutsideFolderError";
}

const within = (folder: string, path: string) => {
  const rest = relative(folder, path);
  return rest !== "" && !rest.startsWith(`..${sep}`) && rest !== ".." && !isAbsolute(rest);
};

/**
 * The absolute path of `name` inside `folder`, its missing folders created: refused (`OutsideFolderError`) when
 * `name` is absolute, climbs out with `..`, or goes through a symbolic link — or is one — that leads outside
 * `folder` (checked on the real paths, after the folders exist, so a link cannot slip through).
 */
export async function pathInside(folder: string, name: string): Promise<string> {
  if (name.trim() === "") throw new OutsideFolderError("the file name is empty");
  if (isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name)) throw new OutsideFolderError(`${name} is an absolute path; give a name inside the download folder`);
  const normalized = normalize(name);
  if (normalized.split(/[\\/]/).includes("..")) throw new OutsideFolderError(`${name} leads out of the download folder (..)`);
  const root = await realpath(folder);
  const path = join(root, normalized);
  if (!within(root, path)) throw new OutsideFolderError(`${name} is not a file inside the download folder`);
  await mkdir(dirname(path), { recursive: true });
  if (!within(root, join(await realpath(dirname(path)), "x"))) throw new OutsideFolderError(`${name} goes through a symbolic link out of the download folder`);
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink() && !within(root, await realpath(path).catch(() => path)))
    throw new OutsideFolderError(`${name} is a symbolic link out of the download folder`);
  if (existing?.isSymbolicLink()) throw new OutsideFolderError(`${name} is a symbolic link; give the name of a plain file`);
  return path;
}
