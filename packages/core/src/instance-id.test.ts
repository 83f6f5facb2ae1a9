import fs from "node:fs";
import path from "node:path";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { loadInstanceId } from "./instance-id.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});
const dataDir = () => {
  const dir = makeTempDir("instance-id-");
  dirs.push(dir);
  return path.join(dir, "data");
};

describe("the instance id", () => {
  it("is made once, kept in the data dir with mode 0600, and the same after a restart", () => {
    const dir = dataDir();
    const id = loadInstanceId(dir);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const file = path.join(dir, "instance-id");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadInstanceId(dir)).toBe(id);
  });

  it("differs between data dirs, and replaces a file that holds no id", () => {
    const [one, two] = [dataDir(), dataDir()];
    expect(loadInstanceId(one)).not.toBe(loadInstanceId(two));
    fs.writeFileSync(path.join(one, "instance-id"), "");
    const fresh = loadInstanceId(one);
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(loadInstanceId(one)).toBe(fresh);
  });
});
