// Small synchronous file checks shared by the report and the tools.

/** Whether anything is at `path`. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether `path` is a file with at least one byte. */
export function nonEmpty(path: string): boolean {
  try {
    return Deno.statSync(path).size > 0;
  } catch {
    return false;
  }
}

/** `path` parsed as JSON, or null when it is missing or not JSON. */
export function readJsonOrNull<T>(path: string): T | null {
  try {
    return JSON.parse(Deno.readTextFileSync(path)) as T;
  } catch {
    return null;
  }
}
