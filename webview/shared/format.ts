/** Number formatting lives in src/view/format.ts, shared with the CLI's printed summary. */
export * from '../../src/view/format';
