/** The one configuration table lives in `@tandem/config`, read by servers and workers alike. */
export * from '@tandem/config';
