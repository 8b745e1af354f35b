//! GraphQL over HTTP: the one endpoint, its steps, and the limits around it.

pub mod agenda;
mod authenticate;
mod charge;
mod claim;
pub mod client_address;
pub mod digest_links;
pub mod digest_view;
mod documents;
mod execute;
pub mod export;
pub mod graphiql;
pub mod graphql;
pub mod idempotency;
pub mod limits;
pub mod live;
pub mod metrics;
mod negotiate;
pub mod observe;
mod prepare;
pub mod rate_limit;
pub mod rate_limit_fields;
pub mod read;
mod refusal;
mod respond;
pub mod state;
pub mod sweep;

pub use authenticate::{authenticate, authenticate_credential, Authenticated};
pub use state::{AppState, EndpointSettings};
