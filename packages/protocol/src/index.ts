export * from './version.js';
export * from './languages.js';
export * from './errors.js';
export * from './close-codes.js';
export * from './schemas.js';
export * from './events.js';
export * from './runs.js';
export * from './jobs.js';
