/*
 * The request and response bodies of Tripwire's REST API (`/plugins/tripwire/api/v1`). Requests are strict: a field
 * the schema does not name is refused with 400, so a typo never passes silently. Field names are snake_case like
 * Mattermost's own API; rule bodies keep the rule model's names.
 */

export * from './api_dto_rules';
export * from './api_dto_test_bench';
export * from './api_dto_deliveries';
export * from './api_dto_transfer';
export * from './api_dto_admin';
