// The explorer's computing core, in one import: the optimizers, surfaces, seeded noise,
// paths and learning-rate schedules of optim_ref, proven equal to it under Node
// (tests/kernels/, run by make test).
// No drawing and no DOM here, so the same files run in the page and in the tests.

export { KERNELS, optimizer } from "./optimizers.js";
export { NAMES, surface } from "./surfaces.js";
export { gaussianPair, gaussians, philox2x32, uniform53 } from "./noise.js";
export { BOX_SCALE, run, stepper } from "./run.js";
export { SCHEDULES, schedule } from "./schedules.js";
