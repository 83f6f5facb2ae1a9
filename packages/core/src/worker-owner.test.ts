import { describe, expect, it } from "vitest";
import { LIVE_WORKERS, orphanedOwners, workerOwnerId } from "./worker-owner.js";

const A = "0b6c5e4e-3f1a-4a53-9d0e-8f6a1c2b3d4e";
const B = "7d1f2e3c-4b5a-4c69-8e7f-a1b2c3d4e5f6";
const gone = () => true;

describe("orphan detection by instance id", () => {
  it("takes back the jobs of the same instance's dead process on its host", () => {
    const me = workerOwnerId(A, 1, "box");
    const crashed = workerOwnerId(A, 1234, "box");
    expect(orphanedOwners(me, [crashed], gone)).toEqual([crashed]);
    expect(orphanedOwners(me, [crashed], () => false)).toEqual([]);
  });

  it("never ends another instance's leases, though its host name and pid are the same (two containers, pid 1)", () => {
    const me = workerOwnerId(A, 1, "box");
    const other = workerOwnerId(B, 1, "box");
    expect(orphanedOwners(me, [other], gone)).toEqual([]);
    // Another instance with this very process's pid: not ours either, whatever this process runs.
    const samePid = workerOwnerId(B, process.pid, "box");
    expect(orphanedOwners(workerOwnerId(A, process.pid, "box"), [samePid], gone)).toEqual([]);
  });

  it("leaves the instance's workers on another host, and a live sibling in this process, alone", () => {
    const me = workerOwnerId(A, process.pid, "box");
    expect(orphanedOwners(me, [workerOwnerId(A, 99, "other-box")], gone)).toEqual([]);
    const sibling = workerOwnerId(A, process.pid, "box");
    LIVE_WORKERS.add(sibling);
    try {
      expect(orphanedOwners(me, [sibling], gone)).toEqual([]);
    } finally {
      LIVE_WORKERS.delete(sibling);
    }
    expect(orphanedOwners(me, [sibling], gone)).toEqual([sibling]);
  });
});
