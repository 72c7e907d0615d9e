// The chapter's DNS story ("Fail DNS resolution for external URI on VM") as a diagnosis: which resolver the VM uses,
// what the running Istio version captures, whether outside names fail, and — when they do — the fix, applied and
// explained.
import { istioFeatures } from "../istio/versions.js";
import type { Session } from "../run/session.js";
import type { Vm } from "../vm/vm.js";
import { nslookupAddresses } from "./probes.js";

/** What the diagnosis found. */
export interface DnsFinding {
  resolvers: string[];
  loopbackResolver: boolean;
  /** 1.8 captures every udp/53 query; 1.9+ only those sent to resolv.conf's servers. */
  capturesAll: boolean;
  resolvesBefore: boolean;
  fixed: boolean;
}

/** Where systemd-resolved keeps the real (non-stub) resolv.conf. */
export const UPSTREAM_RESOLV_CONF = "/run/systemd/resolve/resolv.conf";

/** The DNS story for one session. */
export class DnsStory {
  constructor(private readonly deps: { session: Session; vm: Vm }) {}

  /** Reads the VM's resolvers, tests `name`, explains the cause for the running version and fixes it when it fails. */
  async explainAndFix({ name }: { name: string }): Promise<DnsFinding> {
    const { session, vm } = this.deps;
    const capturesAll = istioFeatures(session.params.ISTIO_VERSION).dnsCaptureAllUdp53;
    const conf = await vm.ssh({ argv: ["cat", "/etc/resolv.conf"], nothrow: true });
    const resolvers = [...conf.stdout.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]!);
    const loopbackResolver = resolvers.some((r) => r.startsWith("127."));
    const lookup = await vm.ssh({ argv: ["nslookup", name], nothrow: true, timeoutMs: 40_000 });
    const resolvesBefore = nslookupAddresses(lookup.stdout).length > 0;
    const version = session.params.ISTIO_VERSION;
    if (session.mode === "plan") return { resolvers, loopbackResolver, capturesAll, resolvesBefore: true, fixed: false };

    if (resolvesBefore) {
      session.note(
        loopbackResolver && capturesAll
          ? `A VM resolve ${name} mesmo com resolvedor local (${resolvers.join(", ")}) e Istio ${version}: o laço não se formou aqui.`
          : `A VM resolve ${name}. Resolvedor: ${resolvers.join(", ") || "(nenhum)"}. ${
              capturesAll
                ? `No Istio ${version} o sidecar captura todas as consultas UDP à porta 53; como o resolvedor não é local, as consultas que o proxy repassa (como usuário istio-proxy, que não é capturado) chegam direto ao servidor de verdade.`
                : `A partir da 1.9 o sidecar só captura as consultas enviadas aos servidores do resolv.conf, então um resolvedor local não forma mais o laço da 1.8.`
            } Nada a corrigir.`,
      );
      return { resolvers, loopbackResolver, capturesAll, resolvesBefore, fixed: false };
    }

    session.note(
      `A VM não resolve ${name}. Resolvedor: ${resolvers.join(", ") || "(nenhum)"}${loopbackResolver ? " (local)" : ""}; Istio ${version}${capturesAll ? ", que captura todas as consultas UDP à porta 53" : ""}. ` +
        (loopbackResolver && capturesAll
          ? "O resolvedor local repassa a consulta ao servidor de verdade, mas esse repasse também é capturado e volta para o proxy de DNS do sidecar: um laço, e a consulta expira. Correção: apontar o /etc/resolv.conf para o servidor de verdade (o arquivo que o systemd-resolved mantém) e reiniciar o sidecar para ele reler o resolvedor."
          : "Verifique se o sidecar está ativo e conectado ao istiod (antes de receber a tabela de nomes, o proxy de DNS responde com erro a todas as consultas) e se o resolvedor da VM responde."),
      "warn",
    );
    if (!(loopbackResolver && capturesAll)) return { resolvers, loopbackResolver, capturesAll, resolvesBefore, fixed: false };

    const upstream = await vm.ssh({ argv: ["test", "-s", UPSTREAM_RESOLV_CONF], nothrow: true });
    if (!upstream.ok) {
      session.note(`O arquivo ${UPSTREAM_RESOLV_CONF} não existe nesta VM: acrescente manualmente o servidor de DNS da sua rede como primeiro 'nameserver' do /etc/resolv.conf (o curso usou 8.8.8.8) ou gere os arquivos com --capture-dns=false.`, "warn");
      return { resolvers, loopbackResolver, capturesAll, resolvesBefore, fixed: false };
    }
    await vm.sudo({ argv: ["ln", "-sf", UPSTREAM_RESOLV_CONF, "/etc/resolv.conf"] });
    await vm.sudo({ argv: ["systemctl", "restart", "istio"] });
    return { resolvers, loopbackResolver, capturesAll, resolvesBefore, fixed: true };
  }
}
