// Runs s3rver in its own process, so tests can measure their own memory, and stop or kill the server.
// Arguments: <port> <directory> <bucket>. Prints {"port": n} once listening.
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";

const [port = "0", directory = ".", bucket = "producer-test"] = process.argv.slice(2);
const server = new S3rver({
  port: Number(port),
  address: "127.0.0.1",
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
  resetOnClose: false,
});
const { port: bound } = (await server.run()) as { port: number };
process.stdout.write(`${JSON.stringify({ port: bound })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// Never outlive the test process that started it.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    stop();
  }
}, 1000);
