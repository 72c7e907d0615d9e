// The OpenAPI document FastAPI 0.61 generates for the original's four routes (served at /openapi.json), with the
// key order its pydantic models produce (parameters list required/schema before name/in, schemas sorted by name).

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

const messageOutResponse = {
  "200": { description: "Successful Response", content: { "application/json": { schema: ref("MessageOut") } } },
};

const intQuery = (name: string, title: string, fallback: number) => ({
  required: false,
  schema: { title, type: "integer", default: fallback },
  name,
  in: "query",
});

const stringProperty = (title: string) => ({ title, type: "string" });

/** The document, as a JSON value whose key order matches the original's output. */
export const openApiDocument = {
  openapi: "3.0.2",
  info: { title: "FastAPI", version: "0.1.0" },
  paths: {
    "/": { get: { summary: "Root", operationId: "root__get", responses: messageOutResponse } },
    "/r": {
      get: {
        summary: "Resp",
        operationId: "resp_r_get",
        parameters: [intQuery("code", "Code", 200), intQuery("wait", "Wait", 0)],
        responses: {
          "200": { description: "Successful Response", content: { "application/json": { schema: {} } } },
          "422": { description: "Validation Error", content: { "application/json": { schema: ref("HTTPValidationError") } } },
        },
      },
    },
    "/s": { get: { summary: "Split", operationId: "split_s_get", responses: messageOutResponse } },
    "/healthz": { get: { summary: "Health", operationId: "health_healthz_get", responses: messageOutResponse } },
  },
  components: {
    schemas: {
      HTTPValidationError: {
        title: "HTTPValidationError",
        type: "object",
        properties: { detail: { title: "Detail", type: "array", items: ref("ValidationError") } },
      },
      MessageOut: {
        title: "MessageOut",
        required: ["name"],
        type: "object",
        properties: {
          name: stringProperty("Name"),
          description: stringProperty("Description"),
          app: stringProperty("App"),
          version: stringProperty("Version"),
          when: stringProperty("When"),
        },
        example: {
          name: "message_type",
          description: "any description or value",
          app: "app-name",
          version: "version",
          when: "%Y-%m-%d %H:%M:%S",
        },
      },
      ValidationError: {
        title: "ValidationError",
        required: ["loc", "msg", "type"],
        type: "object",
        properties: {
          loc: { title: "Location", type: "array", items: { type: "string" } },
          msg: { title: "Message", type: "string" },
          type: { title: "Error Type", type: "string" },
        },
      },
    },
  },
} as const;
