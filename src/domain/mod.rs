//! Business rules: what the directory holds and how it may change. No GraphQL types here.

pub mod account;
pub mod api_key;
pub mod audit;
pub mod child_rows;
pub mod cluster;
pub mod digest;
pub mod discovery;
pub mod locale;
pub mod matchmaking;
pub mod member;
pub mod nested_pages;
pub mod notification;
pub mod pagination;
pub mod partner_organisation;
pub mod partner_search;
pub mod partnership;
pub mod persisted_document;
pub mod policy;
pub mod post;
pub mod recommendation;
pub mod scheduler;
pub mod search;
pub mod success_story;
pub mod throttle;
pub mod validation;
pub mod version;
