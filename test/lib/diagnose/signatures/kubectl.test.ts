import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";
import * as k from "../../fixtures/kubectl.js";

const run = (stderr: string, command: string) => diagnose({ result: { stdout: "", stderr, exitCode: 1, command }, context: { kubeconfig: "/home/aluno/.kube/config" } });

test("an unknown context, in each of kubectl's wordings", (t) => {
  for (const text of ['error: context "aks-curso" does not exist\n', k.KUBECTL_CONTEXT_FLAG_MISSING, k.KUBECTL_USE_CONTEXT_MISSING]) {
    const [d] = run(text, "kubectl get pods");
    t.is(d!.id, "kubectl-contexto-inexistente");
    t.regex(d!.fix, /kubectl config get-contexts/);
  }
});

test("the cluster does not answer; without a kubeconfig kubectl falls back to localhost:8080", (t) => {
  t.is(run(k.KUBECTL_CONNECTION_REFUSED, "kubectl get pods")[0]!.id, "kubectl-cluster-inacessivel");
  t.is(run(k.KUBECTL_UNABLE_TO_CONNECT, "kubectl get pods")[0]!.id, "kubectl-cluster-inacessivel");
  const [none] = run(k.KUBECTL_NO_KUBECONFIG, "kubectl get pods");
  t.is(none!.id, "kubectl-cluster-inacessivel/sem-kubeconfig");
  t.regex(none!.fix, /agora: \/home\/aluno\/.kube\/config/);
});

test("svc/NAME with no pods (kubectl's wait timed out), and a service without selector", (t) => {
  const [d] = run(k.KUBECTL_SVC_NO_PODS, "kubectl exec svc/payment -c payment -- ping -c 5 198.18.0.10");
  t.is(d!.id, "kubectl-servico-sem-pods");
  t.regex(d!.cause, /nenhum pod atende svc\/payment no namespace default/);
  t.regex(d!.fix, /simul-shop \(capítulo 4\)/);
  t.deepEqual(run(k.KUBECTL_SVC_NO_PODS, "kubectl get pods"), []);
  t.is(run(k.KUBECTL_SVC_NO_SELECTOR, "kubectl exec svc/nosel -- true")[0]!.id, "kubectl-servico-sem-seletor");
});

test("missing objects, completed pods, wrong containers and wait timeouts", (t) => {
  const [missing] = run(k.KUBECTL_SVC_NOT_FOUND, "kubectl exec svc/missing -n default -- true");
  t.is(missing!.id, "kubectl-recurso-inexistente");
  t.regex(missing!.cause, /services "missing" não existe no namespace default/);
  t.regex(run('Error from server (NotFound): namespaces "legacy" not found\n', "kubectl get sa -n legacy")[0]!.fix, /kubectl create namespace legacy/);
  t.regex(run('Error from server (NotFound): workloadentries.networking.istio.io "pegasus-pay" not found\n', "kubectl get workloadentry pegasus-pay -n legacy")[0]!.cause, /workloadentries "pegasus-pay" não existe/);
  t.is(run(k.KUBECTL_COMPLETED_POD, "kubectl exec svc/done -- true")[0]!.id, "kubectl-pod-terminado");
  t.is(run('error: unable to upgrade connection: container not found ("paymnt")\n', "kubectl exec svc/payment -c paymnt -- true")[0]!.id, "kubectl-conteiner-inexistente");
  t.is(run(k.KUBECTL_WAIT_TIMEOUT, "kubectl wait --for=condition=Ready pod/slow-1")[0]!.id, "kubectl-espera-esgotada");
});
