//! Accounts, API keys and the audit log in GraphQL.

mod account_mail;
mod accounts;
mod api_keys;
mod audit_log;

pub use account_mail::AccountMailMutation;
pub use accounts::{AccountMutation, AccountQuery, Invitation, User, INVITATION, TYPE_NAME};
pub use api_keys::{ApiKey, ApiKeyMutation, ApiKeyQuery, API_KEY};
pub use audit_log::{AuditEntry, AuditLogQuery, AUDIT_ENTRY};
