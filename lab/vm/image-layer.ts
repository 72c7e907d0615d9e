// The lab layer of the VM image (the overlay's top read-only layer, rebuilt at every boot): the docker CLI and daemon
// (Docker is installed on the course's VM), the systemctl and journalctl stand-ins (the VM has no systemd), and docker.service enabled
// as Docker's package leaves it. Files are small launchers of the guest programs on the lab's Node.js runtime.
import { chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";

const launcher = (bundle: string) => `#!/bin/sh\n# Part of the lab's VM image: runs ${bundle} on the lab's Node.js runtime.\nexec /opt/lab/bin/node /opt/lab/guest/${bundle} "$@"\n`;

/** Docker's unit as its package installs it (the daemon is the lab's stand-in). */
export const DOCKER_UNIT = `[Unit]
Description=Docker Application Container Engine
Documentation=https://docs.docker.com
After=network-online.target firewalld.service containerd.service

[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H unix:///var/run/docker.sock
TimeoutStopSec=15
RestartSec=2
Restart=always
KillMode=mixed

[Install]
WantedBy=multi-user.target
`;

/** Files of the layer: path (relative, real /usr paths: /bin and /lib are symlinks on merged-/usr Debian) → content. */
export const layerFiles = (): Record<string, { content: string; mode: number }> => ({
  "usr/bin/docker": { content: launcher("docker.mjs"), mode: 0o755 },
  "usr/bin/dockerd": { content: launcher("dockerd.mjs"), mode: 0o755 },
  "usr/bin/systemctl": { content: launcher("systemctl.mjs"), mode: 0o755 },
  "usr/bin/journalctl": { content: launcher("journalctl.mjs"), mode: 0o755 },
  "usr/lib/systemd/system/docker.service": { content: DOCKER_UNIT, mode: 0o644 },
});

/** Rebuilds the layer folder. */
export const writeImageLayer = async (dir: string): Promise<void> => {
  await rm(dir, { recursive: true, force: true });
  for (const [rel, { content, mode }] of Object.entries(layerFiles())) {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    await chmod(file, mode);
  }
  const wants = path.join(dir, "etc/systemd/system/multi-user.target.wants");
  await mkdir(wants, { recursive: true });
  await symlink("/lib/systemd/system/docker.service", path.join(wants, "docker.service"));
};
