/**
 * What the WebAssembly runtime registers as, without loading it: the server uses this to register
 * a proxy under the same names when guest code runs in sandbox worker processes.
 */
export const descriptor = {
  name: 'wasm',
  artifactTypes: ['wasm', 'webassembly'],
} as const;
