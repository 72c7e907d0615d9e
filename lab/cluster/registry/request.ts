// The shapes of requests the registry serves, shared by the HTTP API server and in-process clients.

/** Who makes a request. */
export interface UserInfo {
  username: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/** How unknown fields in a body are handled (`?fieldValidation=`). */
export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Options of every write. */
export interface WriteOptions {
  user: UserInfo;
  dryRun?: boolean;
  /** Owner recorded in managedFields (defaults from the user agent, like the apiserver). */
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** Collects `Warning:` headers for the response. */
  warnings?: string[];
}

/** What a list or watch selects. */
export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** DeleteOptions (body or query). */
export interface DeleteOptions {
  propagationPolicy?: "Foreground" | "Background" | "Orphan";
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
}

/** The user in-process components act as. */
export const componentUser = (name: string): UserInfo => ({ username: `system:lab:${name}`, groups: ["system:masters", "system:authenticated"] });
