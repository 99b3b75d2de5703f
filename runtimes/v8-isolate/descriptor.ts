/**
 * What the V8 isolate runtime registers as, without loading it: the server uses this to register a
 * proxy under the same names when guest code runs in sandbox worker processes.
 */
export const descriptor = {
  name: 'v8-isolate',
  artifactTypes: ['javascript', 'js', 'v8', 'isolate'],
} as const;
