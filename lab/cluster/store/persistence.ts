// Keeps the store on disk (`<state>/cluster/store.json`): loaded at start, written (debounced, atomically)
// after changes, so restarting the cluster daemon keeps the cluster.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ObjectStore, StoreSnapshot } from "./object-store.js";

/** Options of persistStore. */
export interface PersistOptions {
  store: ObjectStore;
  file: string;
  /** Quiet time before a write (default 200 ms). */
  debounceMs?: number;
  /** Called with write errors (the daemon logs them). */
  onError?: (error: unknown) => void;
}

/** A running persistence: flush() writes now, close() writes and stops. */
export interface StorePersistence {
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Loads `file` into the store when it exists; returns true when something was loaded. */
export const loadStore = async (store: ObjectStore, file: string): Promise<boolean> => {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  const snapshot = JSON.parse(text) as StoreSnapshot;
  if (typeof snapshot.resourceVersion !== "number" || typeof snapshot.resources !== "object") {
    throw new Error(`${file} is not a lab store snapshot`);
  }
  store.restore(snapshot);
  return true;
};

/** Writes the store to `file` after each burst of changes. */
export const persistStore = ({ store, file, debounceMs = 200, onError }: PersistOptions): StorePersistence => {
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;
  const write = async (): Promise<void> => {
    dirty = false;
    const tmp = `${file}.${process.pid}.tmp`;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, JSON.stringify(store.snapshot()), { mode: 0o600 });
    await rename(tmp, file);
  };
  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing = writing.then(() => (dirty ? write() : undefined)).catch((error: unknown) => onError?.(error));
    await writing;
  };
  const unsubscribe = store.onChange(() => {
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  });
  return {
    flush,
    close: async () => {
      unsubscribe();
      dirty = true;
      await flush();
    },
  };
};
