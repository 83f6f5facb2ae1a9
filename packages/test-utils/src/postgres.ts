/**
 * The PostgreSQL URL for tests, from `PRODUCER_TEST_POSTGRES_URL`; undefined when unset, so suites can be
 * reported as skipped by name (`describe.skipIf(!postgresUrl)`).
 */
export const postgresUrl: string | undefined = process.env.PRODUCER_TEST_POSTGRES_URL || undefined;
