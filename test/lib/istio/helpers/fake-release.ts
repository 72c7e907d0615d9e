// A throwaway Istio release folder (istio-<version>/) for lib/istio's tests: bin/istioctl is a small bash stand-in
// that records its argv and stdin and answers like istioctl for the commands the chapter uses; the samples are the
// release's files (gen-eastwest-gateway.sh with the 1.8.1 flags, expose-istiod.yaml with or without namespace).
// The real istioctl cannot run here (no cluster it could install into); the lab's stand-in replaces this later.
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";

/** A fake JWT (header.payload.signature) like the istio-token istioctl writes. */
export const FAKE_TOKEN = `eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.${Buffer.from(JSON.stringify({ aud: ["istio-ca"], sub: "system:serviceaccount:legacy:legacy-pegasus", exp: 4102444800 })).toString("base64url")}.c2lnbmF0dXJlLW5vdC1yZWFs`;

const ISTIOCTL = `#!/bin/bash
# istioctl stand-in for tests: records argv (NUL-separated) and stdin, answers per command.
here="$(cd "$(dirname "$0")" && pwd)"
calls="$here/../calls"
mkdir -p "$calls"
n=$(ls "$calls" | grep -c '[.]argv$')
printf '%s\\0' "$@" > "$calls/$n.argv"
printf '%s' "\${KUBECONFIG:-}" > "$calls/$n.kubeconfig"
args=" $* "
if [[ "$args" == *" -f - "* ]]; then cat > "$calls/$n.stdin"; fi
if [[ -f "$here/../exit-code" ]]; then echo "Error: injected failure" >&2; exit "$(cat "$here/../exit-code")"; fi
get() { local want="$1"; shift; while [ "$#" -gt 0 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }
case "$1 $2 $3 $4" in
  "x workload group create")
    name=$(get --name "$@"); ns=$(get --namespace "$@"); sa=$(get --serviceAccount "$@"); labels=$(get --labels "$@")
    echo "apiVersion: networking.istio.io/v1alpha3"
    echo "kind: WorkloadGroup"
    echo "metadata:"
    echo "  name: $name"
    echo "  namespace: $ns"
    echo "spec:"
    echo "  metadata:"
    echo "    annotations: {}"
    echo "    labels:"
    IFS=, read -ra kv <<< "$labels"; for p in "\${kv[@]}"; do echo "      \${p%%=*}: \${p#*=}"; done
    echo "  template:"
    echo "    ports: {}"
    echo "    serviceAccount: $sa"
    ;;
  "x workload entry configure")
    out=$(get -o "$@")
    mkdir -p "$out"
    printf "ISTIO_NAMESPACE='legacy'\\nISTIO_SERVICE='pegasus-pay.legacy'\\n" > "$out/cluster.env"
    printf 'defaultConfig:\\n  discoveryAddress: istiod.istio-system.svc:15012\\n' > "$out/mesh.yaml"
    printf -- '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n' > "$out/root-cert.pem"
    printf '%s' "$FAKE_TOKEN" > "$out/istio-token"
    ip=$(get --ingressIP "$@")
    if [ -n "$ip" ] || [ ! -f "$here/../no-gateway-ip" ]; then echo "\${ip:-198.18.2.1} istiod.istio-system.svc" > "$out/hosts"; else : > "$out/hosts"; fi
    if [ -n "$(get --internalIP "$@")" ]; then echo "ISTIO_SVC_IP=$(get --internalIP "$@")" > "$out/sidecar.env"; fi
    echo "configuration generation into directory $out was successful"
    ;;
  "version "*)
    echo '{"clientVersion":{"version":"'"$FAKE_VERSION"'","revision":"abc","golang_version":"go1.15.5","status":"Clean","tag":"'"$FAKE_VERSION"'"},"meshVersion":[{"Component":"pilot","Info":{"version":"'"$FAKE_VERSION"'"}}],"dataPlaneVersion":[{"ID":"payment-1.default","IstioVersion":"'"$FAKE_VERSION"'"},{"ID":"vm.legacy","IstioVersion":"'"$FAKE_VERSION"'"}]}'
    ;;
  "proxy-status "*)
    printf 'NAME                                CDS        LDS        EDS        RDS        ISTIOD                      VERSION\\n'
    printf 'payment-1.default                   SYNCED     SYNCED     SYNCED     SYNCED     istiod-7d4b6b5c4-x2x9z      %s\\n' "$FAKE_VERSION"
    printf 'pegasus.legacy                      SYNCED     SYNCED     SYNCED     NOT SENT   istiod-7d4b6b5c4-x2x9z      %s\\n' "$FAKE_VERSION"
    ;;
  *)
    echo "✔ Istio core installed"
    ;;
esac
`;

const GEN_EASTWEST = `#!/bin/bash
# gen-eastwest-gateway.sh (1.8.1 flags): prints the east-west IstioOperator.
set -euo pipefail
SINGLE_CLUSTER=0
while (( "$#" )); do
  case "$1" in
    --single-cluster) SINGLE_CLUSTER=1; shift ;;
    --cluster) CLUSTER=$2; shift 2 ;;
    --network) NETWORK=$2; shift 2 ;;
    --mesh) MESH=$2; shift 2 ;;
    *) echo "Error: Unsupported flag $1" >&2; exit 1 ;;
  esac
done
if [[ "$SINGLE_CLUSTER" -eq 0 && -z "\${NETWORK:-}" ]]; then echo "Must specify either --single-cluster or --network." >&2; exit 1; fi
cat <<EOF
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: eastwest
spec:
  profile: empty
  components:
    ingressGateways:
      - name: istio-eastwestgateway
        label:
          istio: eastwestgateway
          app: istio-eastwestgateway
        enabled: true
EOF
if [[ "$SINGLE_CLUSTER" -eq 0 ]]; then echo "# network: $NETWORK"; fi
`;

const EXPOSE_ISTIOD = (namespaced: boolean) =>
  [
    "apiVersion: networking.istio.io/v1alpha3",
    "kind: Gateway",
    "metadata:",
    "  name: istiod-gateway",
    ...(namespaced ? ["  namespace: istio-system"] : []),
    "spec:",
    "  selector:",
    "    istio: eastwestgateway",
    "---",
    "apiVersion: networking.istio.io/v1alpha3",
    "kind: VirtualService",
    "metadata:",
    "  name: istiod-vs",
    ...(namespaced ? ["  namespace: istio-system"] : []),
    "spec:",
    "  hosts:",
    "  - \"*\"",
    "",
  ].join("\n");

/** A release folder at `<root>/istio-<version>`; returns helpers to read what the stand-in istioctl saw. */
export const fakeRelease = ({ root, version, exposeNamespaced = true }: { root: string; version: string; exposeNamespaced?: boolean }) => {
  const dir = path.join(root, `istio-${version}`);
  mkdirSync(path.join(dir, "bin"), { recursive: true });
  mkdirSync(path.join(dir, "samples", "multicluster"), { recursive: true });
  writeFileSync(path.join(dir, "bin", "istioctl"), ISTIOCTL.replace("$FAKE_TOKEN", FAKE_TOKEN).replaceAll("$FAKE_VERSION", version));
  chmodSync(path.join(dir, "bin", "istioctl"), 0o755);
  writeFileSync(path.join(dir, "samples", "multicluster", "gen-eastwest-gateway.sh"), GEN_EASTWEST);
  chmodSync(path.join(dir, "samples", "multicluster", "gen-eastwest-gateway.sh"), 0o755);
  writeFileSync(path.join(dir, "samples", "multicluster", "expose-istiod.yaml"), EXPOSE_ISTIOD(exposeNamespaced));
  const call = (n: number) => {
    const base = path.join(dir, "calls", String(n));
    return {
      argv: readFileSync(`${base}.argv`, "utf8").split("\0").slice(0, -1),
      kubeconfig: readFileSync(`${base}.kubeconfig`, "utf8"),
      stdin: existsSync(`${base}.stdin`) ? readFileSync(`${base}.stdin`, "utf8") : undefined,
    };
  };
  return {
    dir,
    istioctl: path.join(dir, "bin", "istioctl"),
    call,
    /** Makes every later istioctl call fail with this exit code. */
    failWith: (code: number) => writeFileSync(path.join(dir, "exit-code"), String(code)),
    /** The east-west gateway has no external IP: configure writes an empty hosts file (unless --ingressIP). */
    noGatewayIp: () => writeFileSync(path.join(dir, "no-gateway-ip"), ""),
  };
};
