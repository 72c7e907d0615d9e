// The entry point a notebook cell calls: `const rb = runbook("Seção")` returns the runbook for this kernel, rebuilt
// from the parameters and the persisted run state, so that every cell works on its own and after a kernel restart.
import { contextFromParams } from "./diagnose/context.js";
import { diagnose } from "./diagnose/diagnose.js";
import { check, type CheckOptions, type CheckResult } from "./check/check.js";
import { watchCheck, type WatchCheckOptions } from "./check/watch.js";
import { Cleanup } from "./course/cleanup.js";
import { Course } from "./course/course.js";
import { DnsStory } from "./course/dns.js";
import { CourseChecks } from "./course/expectations.js";
import { Monitor } from "./course/monitor.js";
import { Show } from "./course/show.js";
import { CourseVm } from "./course/vm.js";
import { WorkDir } from "./course/workdir.js";
import { ConsoleSink } from "./display/console.js";
import { NotebookSink, inTslabKernel } from "./display/notebook.js";
import { courseResources, type CourseResources } from "./istio/resources/course.js";
import { Istioctl } from "./istio/istioctl.js";
import { KubeClient } from "./kube/client.js";
import { Kubectl } from "./kube/kubectl.js";
import { loadParams, type LoadParamsOptions } from "./params/load.js";
import type { ParamName, RunbookParams } from "./params/schema.js";
import { RunState } from "./params/state.js";
import type { FigureEvent, RunbookEvent } from "./run/events.js";
import { newEventId } from "./run/events.js";
import type { CommandResult } from "./run/result.js";
import { Session, type RunOptions, type SessionMode } from "./run/session.js";

/** Options of runbook(). */
export interface RunbookOptions {
  /** The course step the next commands belong to (a section title of the chapter). */
  step?: string;
  /** Explicit parameter values; validated, then persisted for later cells. */
  overrides?: Partial<Record<ParamName, string>>;
  /** Parameters file (default: $RUNBOOK_PARAMS, runbook.env, or the offline lab's). */
  file?: string;
  /** "plan" records commands without running them (default: $RUNBOOK_MODE or "run"). */
  mode?: SessionMode;
}

/** Everything a cell uses, bound to one session: tools, the VM, the chapter's values, checks and views. */
export class Runbook {
  readonly session: Session;
  readonly kubectl: Kubectl;
  readonly kube: KubeClient;
  readonly istioctl: Istioctl;
  readonly vm: CourseVm;
  readonly course: Course;
  readonly workDir: WorkDir;
  readonly show: Show;
  readonly expect: CourseChecks;
  readonly monitor: Monitor;
  readonly dns: DnsStory;
  readonly cleanup: Cleanup;
  #resources: CourseResources | undefined;

  constructor(session: Session) {
    this.session = session;
    this.kubectl = new Kubectl({ session });
    this.kube = new KubeClient({ session });
    this.istioctl = new Istioctl({ session, kubectl: this.kubectl });
    this.vm = new CourseVm({ session });
    this.course = new Course(session.params);
    this.workDir = new WorkDir(session);
    this.show = new Show(session);
    this.cleanup = new Cleanup({ session, kubectl: this.kubectl, istioctl: this.istioctl, vm: this.vm, course: this.course });
    this.expect = new CourseChecks({ session, kubectl: this.kubectl, vm: this.vm, verifySnapshot: () => this.cleanup.verify() });
    this.monitor = new Monitor({ session, kubectl: this.kubectl, vm: this.vm });
    this.dns = new DnsStory({ session, vm: this.vm });
  }

  /** The validated parameters. */
  get params(): Readonly<RunbookParams> {
    return this.session.params;
  }

  /** Values persisted across kernel restarts. */
  get state(): RunState {
    return this.session.state;
  }

  /** The chapter's Kubernetes and Istio resources for these parameters (validated; InputError when one is invalid). */
  get resources(): CourseResources {
    this.#resources ??= courseResources({ params: this.session.params });
    return this.#resources;
  }

  /** The course step stamped on events. */
  get step(): string | undefined {
    return this.session.step;
  }

  /** Runs a command through the seam (notebooks use the tools above; this is the raw seam). */
  run(options: RunOptions): Promise<CommandResult> {
    return this.session.run(options);
  }

  /** Records and shows an event. */
  emit(event: RunbookEvent): void {
    this.session.emit(event);
  }

  /** A note for the reader. */
  note(text: string, level: "info" | "warn" = "info"): void {
    this.session.note(text, level);
  }

  /** A table or picture. */
  figure(figure: Omit<FigureEvent, "kind" | "id" | "at">): void {
    this.session.emit({ kind: "figure", id: newEventId("f"), at: new Date().toISOString(), ...figure });
  }

  /** A generic check (see lib/check). */
  check<T>(options: CheckOptions<T>): Promise<CheckResult<T>> {
    return check(this.session, options);
  }

  /** A watch-based check (see lib/check). */
  watch<T>(options: WatchCheckOptions<T>): Promise<CheckResult<T>> {
    return watchCheck(this.session, options);
  }

  /** The parameters table. */
  showParams(): void {
    this.show.params();
  }

  /** The chapter's "guide environment": variables and the ssh-vm alias as shell, and the snapshot for the cleanup. */
  showGuideEnvironment(): void {
    this.show.guideEnvironment();
  }

  /** The VM's internal and public addresses. */
  showAddresses(): void {
    this.show.addresses();
  }
}

let current: Runbook | undefined;
let currentKey = "";

/** Returns the runbook (creating or refreshing it). Throws ParamsError, changing nothing, on bad parameters. */
export const runbook = (options: RunbookOptions | string = {}): Runbook => {
  const opts: RunbookOptions = typeof options === "string" ? { step: options } : options;
  const state = new RunState();
  const overrides = { ...state.overrides(), ...opts.overrides };
  const loadOptions: LoadParamsOptions = { overrides, ...(opts.file !== undefined ? { file: opts.file } : {}) };
  const loaded = loadParams(loadOptions);
  if (opts.overrides && Object.keys(opts.overrides).length) state.saveOverrides(opts.overrides);
  const mode: SessionMode = opts.mode ?? (process.env["RUNBOOK_MODE"] === "plan" ? "plan" : "run");
  const key = JSON.stringify([loaded.values, mode, state.file]);
  if (!current || key !== currentKey) {
    const session = new Session({
      params: loaded,
      mode,
      state,
      sink: inTslabKernel() ? new NotebookSink() : new ConsoleSink(),
      diagnoseFailure: (result) => diagnose({ result, context: contextFromParams(loaded.values) }),
    });
    current = new Runbook(session);
    currentKey = key;
  }
  current.session.step = opts.step;
  return current;
};

/** Forgets the in-memory runbook (the next runbook() call rebuilds it); the persisted state is kept. */
export const resetRunbookSession = (): void => {
  current = undefined;
  currentKey = "";
};
