/**
 * The URL to start a worker thread from, for a module next to `base` (an import.meta.url). Under vitest
 * the sources are TypeScript and workers do not inherit the parent's module hooks, so the worker
 * registers tsx first; the built CLI runs the plain JS module.
 */
export function threadEntry(moduleBaseName: string, base: string): URL {
  const ts = base.endsWith('.ts');
  const url = new URL(`./${moduleBaseName}${ts ? '.ts' : '.js'}`, base);
  if (!ts) return url;
  return new URL(
    `data:text/javascript,${encodeURIComponent(
      `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(url.href)});`,
    )}`,
  );
}
