import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { Config } from './config.ts';

/**
 * What the app runs on. `userPool` serves authenticated operations only: its sessions name their
 * current user (see db/user-scope.ts). `pool` serves public operations and never names anyone, so
 * a connection that names someone is never handed to code that does not name the caller itself.
 */
export type AppServices = { config: Config; pool: DatabasePool; userPool: DatabasePool; logger: Logger };
