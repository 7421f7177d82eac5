/**
 * What the manifest runner needs from a runtime, and how a manifest's image maps onto this host.
 * Two runtimes implement it: containers with podman (runtime-container.ts), and, where no container
 * runtime is available, plain processes (runtime-process.ts).
 */
import type { ContainerPlan, PodPlan } from './plan.js';
import type { VolumeDirs } from './volumes.js';

/** How to run a manifest's image here. */
export interface RunnableImage {
  /** Container runtime: the local image to run (the manifest's own reference when it was built here). */
  local: string;
  /** What the runner says about the substitution, if any (e.g. Debian's Prometheus 2.42 for v3.5.0). */
  note?: string;
  /** Process runtime: the image's settings and where its programs are on this host. */
  process: {
    entrypoint?: string[];
    cmd?: string[];
    /** The image's working directory, and the folder that stands in for it here. */
    workdir: { image: string; host: string };
    /** The image's environment (PATH and the like). */
    env: Record<string, string>;
    /** The image's user when the manifest sets none. */
    user: { uid: number; gid: number };
    /** Program paths in the image -> on this host (a bare name is looked up on PATH). */
    programs: Record<string, string>;
  };
}

/** A pod's containers as the runtime started them. */
export interface RunningPod {
  plan: PodPlan;
  /** The containers started (the plan's, minus the ones a test skipped or emulated). */
  containers: string[];
  /** The address other pods and this process reach the pod at. */
  ip: string;
  dirs: VolumeDirs;
  /** Undefined while every started container runs; otherwise which one stopped and how. */
  dead(): string | undefined;
  /** Recent output of one container (all when omitted). */
  logs(container?: string): string;
  stop(): Promise<void>;
}

export interface StartRequest {
  pod: PodPlan;
  /** The containers to start (the pod's own minus the ones the caller emulates or skips). */
  containers: ContainerPlan[];
  images: (ref: string) => RunnableImage;
  dirs: VolumeDirs;
  ip: string;
}

export interface JobResult {
  exitCode: number | null;
  logs: string;
  seconds: number;
}

export interface PodRuntime {
  readonly kind: 'container' | 'process';
  /** Where pods reach this host (test stand-ins for external services listen here on 0.0.0.0). */
  readonly hostAddress: string;
  /** The next pod address (the container runtime gives each pod its own; processes share 127.0.0.1). */
  allocateIp(): string;
  /** The cluster's DNS: every name the pods may resolve, kept current as pods start. */
  setHosts(entries: Map<string, string>): void;
  start(req: StartRequest): Promise<RunningPod>;
  /** Runs the pod's containers to completion (a Job's pod). */
  runToCompletion(req: StartRequest, timeoutMs: number): Promise<JobResult>;
  /** Stops everything this runtime started. */
  close(): Promise<void>;
}
