import test from "ava";
import { contextFromParams } from "../../../lib/diagnose/context.js";
import { testSession } from "../helpers/session.js";

test("fills the diagnosis context from the session's parameters, with the sidecar package URL", (t) => {
  const { session } = testSession();
  const context = contextFromParams(session.params);
  t.like(context, { vmAddress: "198.18.0.10", vmPubAddress: "198.18.3.10", vmUser: "peguser", vmNamespace: "legacy", serviceAccount: "legacy-pegasus", vmApp: "pegasus-pay", istioVersion: "1.8.1" });
  t.is(context.sidecarUrl, "https://storage.googleapis.com/istio-release/releases/1.8.1/deb/istio-sidecar.deb");
  t.false("kubeContext" in context);
});
