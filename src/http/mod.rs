//! GraphQL over HTTP: the one endpoint and the limits around it.

pub mod graphql;
mod idempotency;
pub mod limits;
pub mod rate_limit;
