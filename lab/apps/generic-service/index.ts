// Public entry of the generic service for the rest of the lab (kubelet stand-in, docker shim, tests).
export { startGenericService, GenericServiceStartError, type GenericService, type GenericServiceOptions } from "./server.js";
export { readConfig, GenericServiceConfigError, ENV_NAMES, type GenericServiceConfig } from "./config.js";
export { type LogSink, type LogStream } from "./logging.js";
export { GENERIC_SERVICE_IMAGE, GENERIC_SERVICE_REPOSITORY, GENERIC_SERVICE_TAGS, isGenericServiceImage, parseImageReference } from "./images.js";
