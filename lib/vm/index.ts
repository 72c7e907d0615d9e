// The VM over SSH (OpenSSH client): public surface of lib/vm.
export { Vm, type VmOptions } from "./vm.js";
export { VmShell, type VmShellOptions, type SshCommand, type ScpUpload } from "./shell.js";
export { VmError, classifyVmFailure, explainVmFailure, type VmFailure, type VmFailureKind, type VmFailureSignature, type VmFailureContext } from "./failure.js";
export { inspectPrivateKey, type PrivateKeyInfo } from "./key-file.js";
export { remoteCommandLine, sshVmDisplay, MAX_REMOTE_COMMAND_BYTES, type RemoteCommandLine } from "./remote-command.js";
export { sshClientOptions, sshConfigPath, sshDestination, scpDestination, DEFAULT_CONNECT_TIMEOUT_SECONDS, type KnownHostsPolicy } from "./ssh-options.js";
export { remotePath } from "./remote-path.js";
export { copyTo, mkdirP, installFile, appendLineOnce, readFile, tail, fileExists, localSources, APPEND_LINE_ONCE_SCRIPT, type CopyToOptions, type InstallFileOptions, type AppendLineResult, type FileProbe } from "./files.js";
export { systemctl, isActive, isEnabled, unitName, SYSTEMCTL_ACTIONS, type SystemctlAction, type UnitProbe } from "./services.js";
export { dpkgInstalled, dpkgInstall, dpkgRemove, packageName, type PackageProbe } from "./packages.js";
export { curlFromVm, downloadOnVm, STATUS_TRAILER, type CurlOptions, type CurlResponse } from "./http.js";
export { envoyAdmin, envoyClusters, envoyReady, envoyStats, sidecarReady, ENVOY_ADMIN_PORT, SIDECAR_STATUS_PORT } from "./sidecar-admin.js";
export { pingFromVm, tcpProbe, type PingProbe, type TcpProbe, type TcpProbeReason } from "./network.js";
export { dockerRun, dockerRunArgv, dockerRemove, dockerLogs, dockerStop, dockerIsRunning, runningContainers, type DockerRunOptions } from "./docker.js";
export { canSudo, requireSudo, type SudoProbe } from "./sudo.js";
export { knownHostKey, forgetHostKey } from "./host-keys.js";
