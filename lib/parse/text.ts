// Turns whatever a check or parser receives (text, a command result, bytes) into the text a person would have seen.

/** The parts of a command result a parser needs (CommandResult satisfies it). */
export interface CommandOutputLike {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** True for an object shaped like a command result. */
export const isCommandOutput = (value: unknown): value is CommandOutputLike =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as CommandOutputLike).stdout === "string" &&
  typeof (value as CommandOutputLike).stderr === "string" &&
  "exitCode" in value;

/** stdout followed by stderr, like a shell's `2>&1` (the streams are not interleaved). */
export const combinedOutput = (result: CommandOutputLike): string => {
  if (!result.stdout) return result.stderr;
  if (!result.stderr) return result.stdout;
  return `${result.stdout}${result.stdout.endsWith("\n") ? "" : "\n"}${result.stderr}`;
};

/** The text of a received value: strings as they are, command results as `2>&1`, bytes as UTF-8, objects as JSON. */
export const textOf = (value: unknown): string => {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (isCommandOutput(value)) return combinedOutput(value);
  if (value instanceof Error) return value.message;
  if (typeof value === "object") return JSON.stringify(value, null, 2);
  return String(value);
};

/** Splits text into lines: CR removed, no trailing empty line. */
export const linesOf = (text: string): string[] => {
  const lines = text.replace(/\r/g, "").split("\n");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
};
