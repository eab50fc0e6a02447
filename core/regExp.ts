/**
 * Does `re` occur anywhere in `text`? Searched from the start every time: a config's /g or /y pattern
 * keeps the position of its last match in `lastIndex`, so the next name would be searched from there.
 */
export function regExpFinds(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}
