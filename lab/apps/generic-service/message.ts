// The original's response bodies: the MessageOut model, FastAPI's {"detail": ...} errors and its validation errors,
// serialized like Starlette's JSONResponse (compact separators, non-ASCII kept).

/** The MessageOut model, in field order. */
export interface MessageOut {
  name: string;
  description: string | null;
  app: string | null;
  version: string | null;
  when: string | null;
}

/** One pydantic validation error, as FastAPI returns it in a 422 body. */
export interface ValidationIssue {
  loc: string[];
  msg: string;
  type: string;
}

/** A MessageOut with its fields in the model's order. */
export const messageOut = ({ name, description, app, version, when }: MessageOut): MessageOut => ({ name, description, app, version, when });

/** JSONResponse's body for any JSON value. */
export const jsonBody = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), "utf8");

/** FastAPI's body for an HTTPException: `{"detail": ...}`. */
export const detailBody = (detail: unknown): Buffer => jsonBody({ detail });

/** pydantic's error for a query parameter int() rejects. */
export const notAnInteger = (name: string): ValidationIssue => ({
  loc: ["query", name],
  msg: "value is not a valid integer",
  type: "type_error.integer",
});
