export * from './proto';
export * from './dtypes';
export * from './attrs';
export * from './tensor';
export * from './inspect';
export * from './builder';
export * from './wire';
