// Container env overlays the way istioctl's k8s.env patches a Deployment: entries replace same-named ones in place,
// new names are appended.
import type { EnvVar } from "../plan.js";

/** `base` with `over` merged by name. */
export const overlayEnv = (base: readonly EnvVar[], over: readonly EnvVar[]): EnvVar[] => {
  const out = base.map((e) => ({ ...e }));
  for (const e of over) {
    const at = out.findIndex((b) => b.name === e.name);
    if (at >= 0) out[at] = { ...e };
    else out.push({ ...e });
  }
  return out;
};
