/**
 * The project's files as the book's kernel sees them: the few that cells read (the reports
 * and models under resources/, and the like) are copied into the site's files/ folder with a
 * manifest, and a cell's `Deno.readTextFile("../resources/x")` reads them there, relative to
 * notebooks/ as in Jupyter. Anything else is NotFound; nothing can be written.
 */

/** The manifest's entry for one file: its size and modification time (ms). */
export interface FileEntry {
  size: number;
  mtime: number;
}

/** Paths in the manifest are absolute in this virtual tree: /project/… and /shared/…. */
export const PROJECT = "/project/";
export const CWD = "/project/notebooks/";

export class NotFound extends Error {
  override name = "NotFound";
}
export class PermissionDenied extends Error {
  override name = "PermissionDenied";
}

export interface FileInfo {
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  size: number;
  mtime: Date | null;
}

/** The virtual absolute path of `path` (relative to notebooks/, or absolute). */
export function resolvePath(path: string | URL): string {
  const url = new URL(String(path), `file://${CWD}`);
  return decodeURIComponent(url.pathname);
}

export class SiteFiles {
  constructor(readonly base: URL, readonly manifest: Record<string, FileEntry>) {}

  static async load(base: URL): Promise<SiteFiles> {
    const response = await fetch(new URL("index.json", base));
    if (!response.ok) throw new Error(`files/index.json: ${response.status}`);
    return new SiteFiles(base, await response.json());
  }

  #entry(path: string | URL): [string, FileEntry] {
    const absolute = resolvePath(path);
    const entry = this.manifest[absolute];
    if (!entry) throw new NotFound(`No such file or directory (os error 2): readfile '${path}'`);
    return [absolute, entry];
  }

  stat(path: string | URL): FileInfo {
    const absolute = resolvePath(path);
    const entry = this.manifest[absolute];
    if (entry) {
      return {
        isFile: true,
        isDirectory: false,
        isSymlink: false,
        size: entry.size,
        mtime: new Date(entry.mtime),
      };
    }
    const folder = absolute.endsWith("/") ? absolute : absolute + "/";
    if (Object.keys(this.manifest).some((p) => p.startsWith(folder))) {
      return { isFile: false, isDirectory: true, isSymlink: false, size: 0, mtime: null };
    }
    throw new NotFound(`No such file or directory (os error 2): stat '${path}'`);
  }

  async readFile(path: string | URL): Promise<Uint8Array> {
    const [absolute] = this.#entry(path);
    const response = await fetch(new URL(absolute.slice(1), this.base));
    if (!response.ok) throw new NotFound(`${path}: ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async readTextFile(path: string | URL): Promise<string> {
    return new TextDecoder().decode(await this.readFile(path));
  }
}
