/** Pure pre- and post-processing for SAM 3 (no DOM, no worker globals, no onnxruntime). */
export * from './boxes';
export * from './masks';
export * from './nms';
export * from './postprocess';
export * from './resize';
export * from './rle';
export * from './tokens';
