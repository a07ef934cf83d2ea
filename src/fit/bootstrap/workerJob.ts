/**
 * What a bootstrap worker does, whatever the host (src/node/bootstrapWorker.ts serves it on
 * Node): refit replicates `from` to `to` of a run and send them back. The job carries the model
 * without its design rows (the refits need only the blocks) and the fit's estimates.
 */
import type { MixedModel } from '../../model/model.js';
import { bootstrapChunk, type Replicate, type SimulationSource } from './bootstrap.js';

/** One worker's share of a bootstrap run. */
export interface BootstrapJob {
  model: MixedModel;
  reml: boolean;
  theta: Float64Array;
  /** θ's scaling for the optimiser (optimize.ts's thetaScales, computed from the rows by the caller). */
  scale: Float64Array;
  source: SimulationSource;
  seed: number;
  from: number;
  to: number;
}

/** The worker's one message. */
export interface BootstrapMessage {
  type: 'done';
  replicates: Replicate[];
}

/** The model as a bootstrap job needs it: the blocks and term shapes, not X, y or Z. */
export function jobModel(model: MixedModel): MixedModel {
  // Functions (the model's closures, such as its full-design builder) do not survive the
  // structured clone to a worker, and the refits do not use them.
  const data = Object.fromEntries(Object.entries(model).filter(([, v]) => typeof v !== 'function')) as unknown as MixedModel;
  return {
    ...data,
    y: new Float64Array(0),
    X: new Float64Array(0),
    rows: null,
    offset: null,
    weights: null,
    terms: model.terms.map((t) => ({ ...t, Z: new Float64Array(0), refs: new Int32Array(0) })),
    factorLevels: new Map(),
    transforms: new Map(),
  };
}

/** Run a job and post its replicates. */
export function serveBootstrapJob(job: BootstrapJob, post: (message: BootstrapMessage) => void): void {
  const replicates = bootstrapChunk(job.model, job.reml, job.theta, job.scale, job.source, job.seed, job.from, job.to);
  post({ type: 'done', replicates });
}
