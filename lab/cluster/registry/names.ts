// Object names: the apiserver's name rules (RFC 1123 subdomain and label) and generateName suffixes.
import { randomInt } from "node:crypto";

/** Characters Kubernetes uses for random suffixes (no vowels, no confusable digits). */
export const suffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

/** A random suffix of `length` characters from the Kubernetes alphabet (`x7kq2`). */
export const randomSuffix = (length = 5): string => {
  let out = "";
  for (let i = 0; i < length; i++) out += suffixAlphabet[randomInt(suffixAlphabet.length)];
  return out;
};

/** Why `name` is not an RFC 1123 subdomain (undefined when it is). */
export const dns1123SubdomainError = (name: string): string | undefined => {
  if (name.length > 253) return "must be no more than 253 characters";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
  return undefined;
};

/** Why `name` is not an RFC 1123 label (undefined when it is). */
export const dns1123LabelError = (name: string): string | undefined => {
  if (name.length > 63) return "must be no more than 63 characters";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  }
  return undefined;
};

/** Why `name` is not an RFC 1035 label, the rule for Service names (undefined when it is). */
export const dns1035LabelError = (name: string): string | undefined => {
  if (name.length > 63) return "must be no more than 63 characters";
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  }
  return undefined;
};

/** Why a label/annotation key is invalid (undefined when valid). */
export const qualifiedNameError = (key: string): string | undefined => {
  const parts = key.split("/");
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length > 2 || (parts.length === 2 && (!parts[0] || dns1123SubdomainError(parts[0])))) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  }
  if (!name || name.length > 63 || !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return undefined;
};

/** Why a label value is invalid (undefined when valid). */
export const labelValueError = (value: unknown): string | undefined => {
  if (typeof value !== "string") return "label values must be strings";
  if (value.length > 63) return "must be no more than 63 characters";
  if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  }
  return undefined;
};
