// Command-line options of the main run (`npm start -- …`), validated once, with Portuguese errors.
import { InputError } from "../errors.js";
import { isParamName, type ParamName } from "../params/schema.js";

/** Options of a main run. */
export interface MainOptions {
  params?: string;
  overrides: Partial<Record<ParamName, string>>;
  out: string;
  plan: boolean;
  notebooks: string[];
  cellTimeoutMs: number;
  continueOnFailure: boolean;
  rerun: boolean;
  /** Confirms the chapter's cleanup for this kube context (RUNBOOK_CONFIRM_CLEANUP in the kernel). */
  confirmCleanup?: string;
  export: boolean;
  labInstance: number;
  help: boolean;
}

/** Usage text (Portuguese: students run it). */
export const USAGE = `uso: npm start -- [opções] [notebooks…]

Executa os notebooks do runbook, na ordem do curso, num kernel tslab real.
Sem alvo configurado, sobe o laboratório offline e roda contra ele.

opções:
  --params ARQUIVO       arquivo de parâmetros (KEY=valor) de um cluster e VM reais
  --set CHAVE=VALOR      define um parâmetro (pode repetir), ex.: --set ISTIO_VERSION=1.30.0
  --istio-version V      atalho para --set ISTIO_VERSION=V
  --out PASTA            pasta de saída (padrão: out)
  --plan                 não executa nada: mostra os comandos exatos de cada célula
  --cell-timeout SEG     tempo máximo por célula (padrão: 600)
  --continue             continua depois de uma falha (padrão: para na primeira)
  --rerun                roda cada célula de novo depois de reiniciar o kernel (prova que é segura de repetir)
  --confirm-cleanup CTX  confirma a limpeza do capítulo no contexto CTX (no laboratório: automático)
  --no-export            não gera o tutorial (Markdown/HTML)
  --lab-instance N       instância do laboratório (padrão: 0)
  -h, --help             esta ajuda
`;

/** Parses argv; throws InputError naming the bad option and the fix. */
export const parseMainArgs = (argv: readonly string[]): MainOptions => {
  const o: MainOptions = { overrides: {}, out: "out", plan: false, notebooks: [], cellTimeoutMs: 600_000, continueOnFailure: false, rerun: false, export: true, labInstance: 0, help: false };
  const need = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new InputError(`a opção ${flag} precisa de um valor`, `use ${flag} VALOR (veja npm start -- --help)`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case "-h":
      case "--help":
        o.help = true;
        break;
      case "--params":
        o.params = need(i++, a);
        break;
      case "--set": {
        const kv = need(i++, a);
        const eq = kv.indexOf("=");
        const key = kv.slice(0, eq);
        if (eq <= 0 || !isParamName(key)) throw new InputError(`--set ${kv}: "${key || kv}" não é um parâmetro conhecido`, "use --set CHAVE=VALOR com um parâmetro do runbook (ex.: VM_ADDRESS, ISTIO_VERSION)");
        o.overrides[key] = kv.slice(eq + 1);
        break;
      }
      case "--istio-version":
        o.overrides.ISTIO_VERSION = need(i++, a);
        break;
      case "--out":
        o.out = need(i++, a);
        break;
      case "--plan":
        o.plan = true;
        break;
      case "--cell-timeout": {
        const v = Number(need(i++, a));
        if (!Number.isFinite(v) || v <= 0) throw new InputError(`--cell-timeout ${argv[i]}: não é um número de segundos`, "use, por exemplo, --cell-timeout 600");
        o.cellTimeoutMs = v * 1000;
        break;
      }
      case "--continue":
        o.continueOnFailure = true;
        break;
      case "--confirm-cleanup":
        o.confirmCleanup = need(i++, a);
        break;
      case "--rerun":
        o.rerun = true;
        break;
      case "--no-export":
        o.export = false;
        break;
      case "--lab-instance": {
        const v = Number(need(i++, a));
        if (!Number.isInteger(v) || v < 0 || v > 15) throw new InputError(`--lab-instance ${argv[i]}: deve ser um inteiro de 0 a 15`, "use --lab-instance 0");
        o.labInstance = v;
        break;
      }
      default:
        if (a.startsWith("-")) throw new InputError(`opção desconhecida: ${a}`, "veja as opções com npm start -- --help");
        o.notebooks.push(a);
    }
  }
  return o;
};
