/**
 * Loads an optional dependency with `load` (a dynamic `import()`), so that commands that do not need it
 * never load it; when it is not installed (`npm install --omit=optional`, or an optional peer dependency —
 * `peer` — that npm never installs by itself), an error naming the command and the way to install it,
 * instead of Node.js's module-not-found stack.
 */
export async function optionalModule<T>(name: string, command: string, load: () => Promise<T>, peer = false): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && (error as Error).message.includes(`'${name}'`);
    if (!missing) throw error;
    throw new Error(
      peer
        ? `impactkit ${command} needs ${name}, which is installed only for it: npm install --global ${name}`
        : `impactkit ${command} needs ${name}, an optional dependency that is not installed: npm install --global ${name} (or install @impactkit/cli without --omit=optional)`,
    );
  }
}
