//! Webhooks (issue 18.3): partner organisations register endpoints for event types; a write
//! that causes an event queues a delivery per endpoint that may see it, in its own transaction;
//! the sender signs each as Standard Webhooks says and posts it to a public address, retrying
//! with back-off through the outbox's shared claiming code.

pub mod address;
pub mod client;
pub mod delivery;
pub mod endpoint;
pub mod event;
pub mod sender;
pub mod settings;
pub mod signature;

pub use event::{Audience, Event, EventType};
pub use settings::{AddressRules, WebhookRules, WebhookSettings};
