export const tty = process.stdout.isTTY === true;
export const print = (text: string) => process.stdout.write(`${text}\n`);
export const json = (value: unknown) => print(JSON.stringify(value, null, 2));

/** A listing: the whole page as JSON, or a line per item, or `none` when it holds no item. */
export function printPage<Item>(
  page: unknown,
  items: readonly Item[],
  options: { asJson: boolean | undefined; none: string; line: (item: Item) => string },
): void {
  if (options.asJson) json(page);
  else if (items.length === 0) print(options.none);
  else for (const item of items) print(options.line(item));
}
