// Turns iopub messages into nbformat 4 outputs, the way Jupyter's own clients store them (streams merged, displays
// updated in place by display_id).

/** An nbformat 4 output. */
export type NotebookOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "execute_result"; execution_count: number | null; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** Accumulates the outputs of one cell execution. */
export class OutputCollector {
  readonly outputs: NotebookOutput[] = [];
  readonly #byDisplayId = new Map<string, number[]>();
  #clearPending = false;

  /** Applies one iopub message; returns the index of the output it created or changed (or undefined). */
  apply(msgType: string, content: Record<string, unknown>): number | undefined {
    if (msgType === "clear_output") {
      if (content["wait"]) this.#clearPending = true;
      else this.#clear();
      return undefined;
    }
    if (this.#clearPending && ["stream", "display_data", "execute_result", "error"].includes(msgType)) {
      this.#clear();
      this.#clearPending = false;
    }
    switch (msgType) {
      case "stream": {
        const name = content["name"] === "stderr" ? "stderr" : "stdout";
        const text = String(content["text"] ?? "");
        const last = this.outputs.at(-1);
        if (last?.output_type === "stream" && last.name === name) {
          last.text += text;
          return this.outputs.length - 1;
        }
        this.outputs.push({ output_type: "stream", name, text });
        return this.outputs.length - 1;
      }
      case "display_data": {
        this.outputs.push({ output_type: "display_data", data: asRecord(content["data"]), metadata: asRecord(content["metadata"]) });
        const index = this.outputs.length - 1;
        const id = displayId(content);
        if (id) this.#byDisplayId.set(id, [...(this.#byDisplayId.get(id) ?? []), index]);
        return index;
      }
      case "update_display_data": {
        const id = displayId(content);
        let changed: number | undefined;
        for (const index of (id && this.#byDisplayId.get(id)) || []) {
          const out = this.outputs[index];
          if (out?.output_type === "display_data" || out?.output_type === "execute_result") {
            out.data = asRecord(content["data"]);
            out.metadata = asRecord(content["metadata"]);
            changed = index;
          }
        }
        return changed;
      }
      case "execute_result":
        this.outputs.push({
          output_type: "execute_result",
          execution_count: typeof content["execution_count"] === "number" ? content["execution_count"] : null,
          data: asRecord(content["data"]),
          metadata: asRecord(content["metadata"]),
        });
        return this.outputs.length - 1;
      case "error":
        this.outputs.push({
          output_type: "error",
          ename: String(content["ename"] ?? "Error"),
          evalue: String(content["evalue"] ?? ""),
          traceback: Array.isArray(content["traceback"]) ? content["traceback"].map(String) : [],
        });
        return this.outputs.length - 1;
      default:
        return undefined;
    }
  }

  #clear(): void {
    this.outputs.length = 0;
    this.#byDisplayId.clear();
  }
}

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
const displayId = (content: Record<string, unknown>): string | undefined => {
  const transient = asRecord(content["transient"]);
  return typeof transient["display_id"] === "string" ? transient["display_id"] : undefined;
};
