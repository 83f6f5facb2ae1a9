import { EventEmitter } from "node:events";
import type { Job } from "./job.js";

interface JobEventMap {
  /** Any change of a job this process knows of: queued, a step, progress, the end. */
  job: [Job];
}

/** Progress of jobs, for SSE streams and `waitForJob`. Only changes made or seen by this process are emitted. */
export class JobEvents extends EventEmitter<JobEventMap> {
  constructor() {
    super();
    // Every SSE client and waiter listens here.
    this.setMaxListeners(0);
  }
}
