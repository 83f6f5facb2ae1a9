type Options<Name extends string, Type extends "string" | "boolean"> = { [Key in Name]: { type: Type } };

function optionsOf<Name extends string, Type extends "string" | "boolean">(
  type: Type,
  names: Name[],
): Options<Name, Type> {
  return Object.fromEntries(names.map((name) => [name, { type }])) as Options<Name, Type>;
}

/** `parseArgs` options that each take a value (`--title T`), by name. */
export const valueOptions = <const Name extends string>(...names: Name[]): Options<Name, "string"> =>
  optionsOf("string", names);

/** `parseArgs` options that take no value (`--json`), by name. */
export const flagOptions = <const Name extends string>(...names: Name[]): Options<Name, "boolean"> =>
  optionsOf("boolean", names);
