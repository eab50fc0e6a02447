/** Adds every count of `c` into `into`: counts add up across files, so domains and pools are sums. */
export function addCounts<T extends { [K in keyof T]: number }>(into: T, c: T): T {
  for (const k of Object.keys(c) as Array<keyof T>) (into[k] as number) += c[k];
  return into;
}
