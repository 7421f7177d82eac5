/** A generated tree: relative POSIX path -> file content. Paths are unique; order does not matter. */
export class FileTree {
  private readonly files = new Map<string, string>();

  add(path: string, content: string): void {
    if (path.startsWith('/') || path.split('/').includes('..')) throw new Error(`generated path must be relative: ${path}`);
    if (this.files.has(path)) throw new Error(`two generators wrote the same file: ${path}`);
    this.files.set(path, content);
  }

  /** Adds every file of `other` under `prefix/` ('' for the root). */
  mount(prefix: string, other: FileTree): void {
    for (const [p, c] of other.entries()) this.add(prefix === '' ? p : `${prefix}/${p}`, c);
  }

  get(path: string): string | undefined {
    return this.files.get(path);
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  entries(): [string, string][] {
    return this.paths().map((p) => [p, this.files.get(p) as string]);
  }
}
