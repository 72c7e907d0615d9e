// The JSON answers of the course's generic service (kdop-dev/istio-curso-files, exemplos/generic-service/py):
// `/`, `/s` and `/healthz` answer a MessageOut; `/r?code=N` answers `{"detail": "…"}` with status N.

/** A MessageOut: `{"name":"greetings","description":"Hi there!","app":"pegasus-pay","version":"v1","when":"2020-12-26 14:48:26"}`. */
export interface GenericServiceMessage {
  name: string;
  description: string | null;
  app: string | null;
  version: string | null;
  /** Local time of the service, "%Y-%m-%d %H:%M:%S". */
  when: string | null;
}

/** The answer of `/r` and of FastAPI errors: `{"detail": "At … this request asks for 404 and waits for 1s and now is …"}`. */
export interface GenericServiceError {
  detail: unknown;
}

/** True for a generic-service MessageOut. */
export const isGenericServiceMessage = (value: unknown): value is GenericServiceMessage => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const optional = (k: string) => v[k] === undefined || v[k] === null || typeof v[k] === "string";
  return typeof v["name"] === "string" && optional("description") && optional("app") && optional("version") && optional("when");
};

/** True for a generic-service error answer. */
export const isGenericServiceError = (value: unknown): value is GenericServiceError =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "detail" in value;

/** What `/r?code=N&wait=S` asked for, read back from its detail text, or undefined. */
export const parseRequestedCode = (detail: string): { code: number; waitSeconds: number } | undefined => {
  const m = /asks for (\d+) and waits for (\d+)s/.exec(detail);
  return m ? { code: Number(m[1]), waitSeconds: Number(m[2]) } : undefined;
};
