export const tty = process.stdout.isTTY === true;
export const print = (text: string) => process.stdout.write(`${text}\n`);
export const json = (value: unknown) => print(JSON.stringify(value, null, 2));
