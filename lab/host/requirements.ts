// The lab needs Linux and root (network namespaces, overlay mounts, iptables): checked once, before anything changes.

/** Error a student sees when the machine cannot run the lab; the message says why and what to do. */
export class LabRequirementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabRequirementError";
  }
}

/** Throws LabRequirementError (in Portuguese) unless running on Linux as root. */
export const assertLinuxRoot = (platform: NodeJS.Platform = process.platform, uid: number | undefined = process.getuid?.()): void => {
  if (platform !== "linux") {
    throw new LabRequirementError(
      `o laboratório offline precisa de Linux (namespaces de rede, overlayfs, iptables) e este sistema é "${platform}": ` +
        "rode-o em uma máquina ou VM Linux, ou use uma VM e um cluster reais nos parâmetros do runbook",
    );
  }
  if (uid !== 0) {
    throw new LabRequirementError(
      "o laboratório offline precisa de root (cria namespaces de rede, interfaces e regras de iptables): " +
        "rode o comando de novo como root, por exemplo `sudo npm run lab -- up`",
    );
  }
};
