//! clusterbridge: a GraphQL API for an industrial-cluster collaboration platform in the manner of
//! the European Cluster Collaboration Platform.

pub mod app;
pub mod auth;
pub mod benchmark;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod generate;
pub mod graphql;
pub mod health;
pub mod http;
pub mod mail;
pub mod observability;
pub mod outbox;
pub mod seed;
pub mod shutdown;
#[doc(hidden)]
pub mod testing;
pub mod webhook;
