// An ExecBackend that runs the command as a real local process (what the kubelet does inside a pod), for tests.
import { spawn } from "node:child_process";
import { ApiError, type ClusterComponent, type ExecSession } from "../../../../../lab/cluster/contracts.js";

/** A component providing exec by running commands on this machine; `containers` lists the containers that exist. */
export const localExecComponent = (containers: string[]): ClusterComponent => ({
  name: "test-exec",
  exec: {
    exec: async (request) => {
      if (!containers.includes(request.container)) throw new ApiError(404, "NotFound", `container not found ("${request.container}")`);
      const [file, ...args] = request.command;
      const child = spawn(file!, args, { stdio: ["pipe", "pipe", "pipe"] });
      const out: Array<(c: Buffer) => void> = [];
      const err: Array<(c: Buffer) => void> = [];
      child.stdout.on("data", (c: Buffer) => out.forEach((l) => l(c)));
      child.stderr.on("data", (c: Buffer) => err.forEach((l) => l(c)));
      child.stdin.on("error", () => undefined); // a command that exits before reading its input
      if (!request.stdin) child.stdin.end();
      const exited = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) => {
        child.on("error", () => resolve({ exitCode: 127, signal: null }));
        child.on("close", (exitCode, signal) => resolve({ exitCode, signal }));
      });
      const session: ExecSession = {
        writeStdin: (chunk) => child.stdin.write(chunk),
        closeStdin: () => child.stdin.end(),
        resize: () => {},
        onStdout: (l) => out.push(l),
        onStderr: (l) => err.push(l),
        exited,
        kill: () => {
          if (child.exitCode === null) child.kill("SIGKILL");
        },
      };
      return session;
    },
  },
  start: async () => {},
  stop: async () => {},
});
