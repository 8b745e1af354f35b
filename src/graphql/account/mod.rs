//! Accounts, API keys and the audit log in GraphQL.

mod accounts;
mod api_keys;
mod audit_log;

pub use accounts::{AccountMutation, AccountQuery, TYPE_NAME};
pub use api_keys::{ApiKeyMutation, ApiKeyQuery};
pub use audit_log::{AuditEntry, AuditLogQuery};
