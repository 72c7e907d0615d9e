import test from "ava";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../../lib/errors.js";
import { MAX_REMOTE_COMMAND_BYTES } from "../../../lib/vm/remote-command.js";
import type { Vm } from "../../../lib/vm/vm.js";
import { vmSession } from "./fixture/session.js";
import { startSshd, type SshdFixture } from "./fixture/sshd.js";

// lib/vm's part of the runbook's bad-input corpus: each input is refused with an InputError in Portuguese that names
// the cause and the fix, before anything runs on the VM (no command is recorded). The sessions point at an address
// that drops packets: had any of these reached ssh, the test would see a connection timeout, not an InputError.
let fixture: SshdFixture;
const keys = mkdtempSync(path.join(os.tmpdir(), "vm-bad-keys-"));
const good = path.join(keys, "good");
spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", good]);
const goodText = readFileSync(good, "utf8");
const keyFile = (name: string, content: string, mode = 0o600): string => {
  const file = path.join(keys, name);
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
  return file;
};
const protectedKey = path.join(keys, "protected");
spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "segredo-longo", "-f", protectedKey]);
spawnSync("ssh-keygen", ["-q", "-t", "dsa", "-N", "", "-f", path.join(keys, "dsa")]);

test.before(async () => {
  fixture = await startSshd();
});
test.after.always(async () => {
  await fixture?.stop();
});

interface BadInput {
  /** The bad input, as the corpus lists it. */
  input: string;
  /** Key file to use (default a good one). */
  key?: () => string;
  lines?: () => Record<string, string>;
  act: (vm: Vm) => Promise<unknown>;
  /** What the problem statement must say. */
  says: RegExp;
  env?: Record<string, string | undefined>;
}

const CORPUS: BadInput[] = [
  { input: "chave privada com finais de linha do Windows (CRLF)", key: () => keyFile("crlf", goodText.replace(/\n/g, "\r\n")), act: (vm) => vm.ssh({ argv: ["true"] }), says: /CRLF/ },
  { input: "chave privada sem a quebra de linha final", key: () => keyFile("nonl", goodText.replace(/\n$/, "")), act: (vm) => vm.ssh({ argv: ["true"] }), says: /sem quebra de linha/ },
  { input: "VM_PKEY_PATH aponta para a chave pública (.pub)", key: () => keyFile("pub", readFileSync(`${good}.pub`, "utf8")), act: (vm) => vm.ssh({ argv: ["true"] }), says: /PÚBLICA/ },
  { input: "chave no formato do PuTTY (.ppk)", key: () => keyFile("ppk", "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\n"), act: (vm) => vm.ssh({ argv: ["true"] }), says: /PuTTY/ },
  { input: "arquivo de chave vazio", key: () => keyFile("empty", ""), act: (vm) => vm.ssh({ argv: ["true"] }), says: /vazia/ },
  { input: "chave DSA (desativada no OpenSSH)", key: () => path.join(keys, "dsa"), act: (vm) => vm.ssh({ argv: ["true"] }), says: /DSA/ },
  { input: "chave protegida por senha sem ssh-agent", key: () => protectedKey, env: { SSH_AUTH_SOCK: undefined }, act: (vm) => vm.ssh({ argv: ["true"] }), says: /protegida por senha/ },
  {
    input: "chave que ficou legível pelo grupo depois de carregados os parâmetros",
    key: () => keyFile("later", goodText),
    act: (vm) => (chmodSync(vm.session.params.VM_PKEY_PATH, 0o640), vm.ssh({ argv: ["true"] })),
    says: /permissões 0640/,
  },
  { input: "chave apagada depois de carregados os parâmetros", key: () => keyFile("deleted", goodText), act: (vm) => (rmSync(vm.session.params.VM_PKEY_PATH), vm.ssh({ argv: ["true"] })), says: /não existe/ },
  {
    input: "SSH_KNOWN_HOSTS é uma pasta",
    lines: () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "kh-dir-"));
      return { SSH_KNOWN_HOSTS: dir };
    },
    act: (vm) => vm.ssh({ argv: ["true"] }),
    says: /não é um arquivo/,
  },
  { input: "SSH_KNOWN_HOSTS com aspas duplas no caminho", lines: () => ({ SSH_KNOWN_HOSTS: path.join(keys, 'known"hosts') }), act: (vm) => vm.ssh({ argv: ["true"] }), says: /aspas duplas/ },
  { input: "comando remoto vazio", act: (vm) => vm.ssh({ argv: [] }), says: /está vazio/ },
  { input: "argumento com o caractere NUL", act: (vm) => vm.ssh({ argv: ["echo", "a\0b"] }), says: /NUL/ },
  { input: "comando remoto maior do que o shell aceita", act: (vm) => vm.ssh({ argv: ["echo", "x".repeat(MAX_REMOTE_COMMAND_BYTES + 1)] }), says: /bytes/ },
  { input: "copyTo sem arquivos", act: (vm) => vm.copyTo({ files: [] }), says: /nenhum arquivo/ },
  { input: "copyTo de um arquivo local que não existe", act: (vm) => vm.copyTo({ files: ["/nao/existe/istio-token"] }), says: /não existe/ },
  { input: "copyTo de uma pasta vazia (WORK_DIR sem os arquivos gerados)", act: (vm) => vm.copyTo({ files: [mkdtempSync(path.join(os.tmpdir(), "empty-workdir-"))] }), says: /não tem arquivos/ },
  { input: "copyTo com destino vazio", act: (vm) => vm.copyTo({ files: [good], dest: "" }), says: /vazio/ },
  { input: "installFile com destino relativo", act: (vm) => vm.installFile({ from: "/home/peguser/root-cert.pem", to: "etc/certs/root-cert.pem" }), says: /não é um caminho absoluto/ },
  { input: "installFile com dono inválido", act: (vm) => vm.installFile({ from: "/home/peguser/a", to: "/etc/a", owner: "istio proxy" }), says: /usuário .* Linux válido/ },
  { input: "installFile com modo não octal", act: (vm) => vm.installFile({ from: "/home/peguser/a", to: "/etc/a", mode: "rw-r--r--" }), says: /modo octal/ },
  { input: "appendLineOnce com mais de uma linha (o arquivo hosts inteiro)", act: (vm) => vm.appendLineOnce({ file: "/etc/hosts", line: "1.2.3.4 a\n5.6.7.8 b" }), says: /única linha/ },
  { input: "appendLineOnce em caminho relativo", act: (vm) => vm.appendLineOnce({ file: "hosts", line: "1.2.3.4 a" }), says: /não é um caminho absoluto/ },
  { input: "tail com número de linhas zero", act: (vm) => vm.tail({ file: "/var/log/istio/istio.log", lines: 0 }), says: /número de linhas/ },
  { input: "systemctl com nome de unidade com espaço e ;", act: (vm) => vm.systemctl({ action: "start", unit: "istio; reboot" }), says: /unidade do systemd/ },
  { input: "systemctl com ação desconhecida", act: (vm) => vm.systemctl({ action: "kill" as "start", unit: "istio" }), says: /ação do systemctl/ },
  { input: "pacote Debian com nome inválido", act: (vm) => vm.dpkgInstalled({ pkg: "Istio Sidecar" }), says: /pacote Debian/ },
  { input: "dpkgInstall de um .rpm", act: (vm) => vm.dpkgInstall({ file: "istio-sidecar.rpm" }), says: /\.deb/ },
  { input: "curl com espaço na URL", act: (vm) => vm.curl({ url: "payment.default.svc:8000/ x" }), says: /URL válida/ },
  { input: "curl com URL que parece opção", act: (vm) => vm.curl({ url: "-K/etc/shadow" }), says: /URL válida/ },
  { input: "curl com cabeçalho com quebra de linha", act: (vm) => vm.curl({ url: "localhost:8000/", headers: ["X-A: 1\r\nX-B: 2"] }), says: /cabeçalho/ },
  { input: "envoyAdmin com caminho sem /", act: (vm) => vm.envoyAdmin({ path: "clusters" }), says: /API de administração/ },
  { input: "tcpProbe com porta fora do intervalo", act: (vm) => vm.tcpProbe({ host: "istiod.istio-system.svc", port: 150120 }), says: /fora do intervalo/ },
  { input: "ping de um endereço IP inválido", act: (vm) => vm.ping({ host: "300.1.1.1" }), says: /nem um nome DNS válido/ },
  { input: "docker run com imagem inválida", act: (vm) => vm.dockerRun({ image: "kdop/Generic Service" }), says: /referência de imagem/ },
  { input: "docker run com porta publicada inválida", act: (vm) => vm.dockerRun({ image: "kdop/generic-service:0.0.5", publish: ["oito mil"] }), says: /porta publicada/ },
  { input: "docker run com nome de variável inválido", act: (vm) => vm.dockerRun({ image: "kdop/generic-service:0.0.5", env: { "SCHED-CALL": "x" } }), says: /variável de ambiente/ },
  { input: "docker stop de um nome que parece opção", act: (vm) => vm.dockerStop({ name: "--all" }), says: /nome de contêiner/ },
];

for (const bad of CORPUS) {
  test.serial(`refuses before running: ${bad.input}`, async (t) => {
    const saved = Object.fromEntries(Object.keys(bad.env ?? {}).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(bad.env ?? {})) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    try {
      const { vm, events } = vmSession({
        fixture,
        address: fixture.droppedAddress,
        connectTimeoutSeconds: 1,
        ...(bad.key ? { key: bad.key() } : { key: good }),
        ...(bad.lines ? { lines: bad.lines() } : {}),
      });
      const error = await t.throwsAsync(bad.act(vm), { instanceOf: InputError });
      t.regex(error!.problem, bad.says);
      t.regex(error!.message, /\nComo corrigir: \S/);
      t.is(events.ofKind("command").length, 0, "something ran");
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
}

test.serial("refuses to go on with a VM user without sudo (usuário sem sudo), after only asking sudo -n", async (t) => {
  const { vm, events } = vmSession({ fixture, user: "nosudo" });
  const error = await t.throwsAsync(vm.requireSudo(), { instanceOf: InputError });
  t.is(error!.subject, "VM_USER");
  t.regex(error!.problem, /nosudo não tem sudo sem senha/);
  t.regex(error!.fix, /NOPASSWD/);
  t.deepEqual(events.ofKind("command").map((c) => c.remote), ["sudo true"]);
});

test("lib/vm contributes at least 25 bad inputs to the corpus", (t) => {
  t.true(CORPUS.length + 1 >= 25);
});
